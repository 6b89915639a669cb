// The composition root of `findme serve`: builds every component from Settings, in dependency
// order, and owns them for the life of the process. The only code that names concrete backends.
#pragma once

#include <cstdint>
#include <memory>

#include "config/settings.h"
#include "core/result.h"

namespace findme::app {

// Not thread-safe: start and stop from the main thread.
class Service {
 public:
  ~Service();

  // Loads models, opens the store, starts the workers and the HTTP server. Errors are one line
  // fit for the terminal (what failed and what to do).
  static Result<std::unique_ptr<Service>> start(const config::Settings& settings);

  std::uint16_t port() const;

  // Graceful: the server finishes in-flight requests, workers finish their current job; queued
  // jobs stay durable in the database.
  void stop();

  struct Parts;

 private:
  explicit Service(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace findme::app
