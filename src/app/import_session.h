// What `findme import` needs: the store, the file store and the decoder, without the face models
// or the HTTP server.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "config/settings.h"
#include "core/entities.h"
#include "core/result.h"

namespace findme::app {

// Not thread-safe: one per import.
class ImportSession {
 public:
  ~ImportSession();
  static Result<std::unique_ptr<ImportSession>> open(const config::Settings& settings);

  // The event and its organizer, who will own the index jobs. Errc::not_found for an unknown code.
  Result<Event> event(std::string_view code);

  // Stores one photo durably with its index job (as an upload by the organizer would). False
  // when the event already held a file with these bytes (nothing stored: a re-run import skips
  // what an interrupted one stored). Errors: check_upload()'s per-file ones, Errc::busy,
  // Errc::unavailable.
  Result<bool> add(const Event& event, std::string filename, const std::string& bytes);

  // Shows indexing progress until no photo of the event is queued; false when nothing moved for
  // a minute (no server running on this data).
  bool wait_for_indexing(const Event& event);

  struct Parts;

 private:
  explicit ImportSession(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace findme::app
