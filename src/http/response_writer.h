// Internal to http/: turns an api::Response into bytes on the wire (string, streamed file or a
// body produced piece by piece, 304 for a matching If-None-Match, HEAD without a body), with a
// per-write idle deadline.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>  // before Asio (Boost 1.74)

#include <boost/asio/awaitable.hpp>

#include "api/request.h"
#include "api/response.h"
#include "http/blocking_pool.h"
#include "http/server_state.h"

namespace findme::http {

struct WriteOutcome {
  int status = 0;         // what was actually sent (304, 404 for a vanished file...)
  std::size_t bytes = 0;  // body bytes sent
  bool ok = false;        // false: the connection is broken, close it
};

// `keep_alive` decides the Connection header. Never throws for I/O errors. `pool` runs a
// StreamBody's producer (it must outlive the call); a streamed response without one is answered
// 500 internal. A producer error or a length mismatch ends with ok = false (close the
// connection): the status line is already on the wire by then.
boost::asio::awaitable<WriteOutcome> write_response(Connection& conn, api::Response response,
                                                    const api::Request& request, bool keep_alive,
                                                    std::chrono::milliseconds idle_timeout,
                                                    BlockingPool* pool = nullptr);

// True when an If-None-Match header value matches `etag` (weak comparison, or "*").
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace findme::http
