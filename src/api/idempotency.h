// The Idempotency-Key header (issue 12): a client that retries a request after a lost answer (bad
// venue Wi-Fi, a timeout, a restarted server) sends the same key, and the work happens once: the
// first request that succeeds stores its answer, and every retry with that key gets it again
// (with `Idempotent-Replayed: true`). Honoured by the routes that create something: photo
// uploads, sign-ups and selfies (docs/api.md, "Safe retries").
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "api/api.h"
#include "api/request.h"
#include "api/router.h"

namespace findme::api {

// After how long an unanswered claim (its process died) may be taken over by a retry. Keys are
// forgotten after domain::kIdempotencyKeyLifetime (domain/housekeeping.h).
inline constexpr std::chrono::minutes kIdempotencyStaleClaim{2};

// `route` with the header honoured. Keys are per caller: a signed-in user's are theirs alone;
// anonymous keys (sign-ups) are shared, and the request's fingerprint (a hash of the method, path
// and body, passwords included) guards them: a key replays only the request that made it.
// Without the header the route runs as it is. A malformed key is 400 invalid_request; a key
// reused for a different request is 400 invalid_request; a retry while the first request is
// still running is 429 busy with Retry-After. Only 2xx answers are stored: after an error the
// key is free again and a retry does the work.
RouteFn idempotent(const ApiContext& context, RouteFn route);

// What a request asked for, as a hex SHA-256: method, path, and the body; for multipart, each
// part's name, filename and content hash (a file over 128 KiB by its size and its first and last
// 64 KiB), so a retry framed with another boundary still matches.
std::string request_fingerprint(const Request& request);

// 1 to 255 visible ASCII characters (a UUID, typically).
bool valid_idempotency_key(std::string_view key);

}  // namespace findme::api
