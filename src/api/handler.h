// What http/ calls for every request it does not serve itself (static files).
#pragma once

#include <optional>

#include "api/request.h"
#include "api/response.h"

namespace findme::api {

// Implementations must be thread-safe: http/ calls handle() concurrently from its blocking pool
// threads (never from an I/O thread), so it may block on SQLite, argon2, libvips...
// An exception escaping handle() becomes 500 internal (logged with the request id); expected
// failures should be responses in the contract's error shape instead.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual Response handle(const Request& request) = 0;

  // The answer handle() would give, when it is at hand without blocking (held in memory, short
  // locks only): http/ asks first, on an I/O thread, and skips the hop to the pool when given
  // one. nullopt: call handle().
  virtual std::optional<Response> handle_from_memory(const Request& /*request*/) {
    return std::nullopt;
  }
};

}  // namespace findme::api
