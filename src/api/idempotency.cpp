#include "api/idempotency.h"

#include <span>
#include <utility>

#include "api/errors.h"
#include "api/json_mapping.h"
#include "api/request_helpers.h"
#include "domain/secrets.h"

namespace findme::api {
namespace {

using State = store::IdempotencyClaim::State;

constexpr std::string_view kHeader = "Idempotency-Key";
constexpr std::size_t kMaxKeyLength = 255;
// A file part is identified by its size and its first and last bytes: the photo upload hashes the
// whole file anyway (content deduplication), so the fingerprint stays cheap for a 25 MB file.
constexpr std::size_t kFileEdgeBytes = std::size_t{64} * 1024;

std::string hash_of(std::string_view bytes) {
  return domain::sha256_hex(std::as_bytes(std::span(bytes.data(), bytes.size())));
}

Response replayed(const store::IdempotencyClaim& claim) {
  Response response;
  response.status = claim.status;
  response.body = claim.body;
  response.set_header("Content-Type", "application/json; charset=utf-8");
  response.set_header("Idempotent-Replayed", "true");
  return response;
}

bool storable(const Response& response) {
  return response.status >= 200 && response.status < 300 && !response.file && !response.stream &&
         !response.wait;
}

std::string file_digest(std::string_view data) {
  if (data.size() <= 2 * kFileEdgeBytes) return hash_of(data);
  return hash_of(std::to_string(data.size()) + '\0' + std::string(data.substr(0, kFileEdgeBytes)) +
                 std::string(data.substr(data.size() - kFileEdgeBytes)));
}

}  // namespace

bool valid_idempotency_key(std::string_view key) {
  if (key.empty() || key.size() > kMaxKeyLength) return false;
  for (char ch : key) {
    if (ch < 0x21 || ch > 0x7e) return false;
  }
  return true;
}

std::string request_fingerprint(const Request& request) {
  std::string canonical = request.method + '\n' + request.path + '\n';
  if (request.multipart) {
    for (const Part& part : request.parts) {
      canonical += part.name;
      canonical += '\0';
      canonical += part.filename ? "f:" + *part.filename : std::string("field");
      canonical += '\0';
      canonical += part.is_file() ? file_digest(part.data) : hash_of(part.data);
      canonical += '\n';
    }
  } else {
    canonical += hash_of(request.body);
  }
  return hash_of(canonical);
}

RouteFn idempotent(const ApiContext& context, RouteFn route) {
  return [&context, route = std::move(route)](const Request& request,
                                              const PathParams& params) -> Response {
    const std::optional<std::string_view> key = request.header(kHeader);
    if (!key) return route(request, params);
    if (!valid_idempotency_key(*key)) {
      return error_response(make_error(
          Errc::invalid_request, "Idempotency-Key must be 1 to 255 visible ASCII characters"));
    }
    std::string scope = "anonymous";
    if (bearer_token(request)) {
      Result<User> user = authenticate(context.accounts, request);
      if (!user) return route(request, params);  // the route answers 401 as usual
      scope = "user:" + wire_id(user->id);
    }
    const store::IdempotencyRequest claim_request{
        .scope = scope, .key = std::string(*key), .fingerprint = request_fingerprint(request)};
    Result<store::IdempotencyClaim> claim =
        context.store.claim_idempotency_key(claim_request, kIdempotencyStaleClaim);
    if (!claim) return error_response(claim.error());
    switch (claim->state) {
      case State::completed:
        return replayed(*claim);
      case State::in_progress:
        return error_response(
            make_error(Errc::busy,
                       "the first request with this Idempotency-Key is still running; retry in a "
                       "moment to get its answer"));
      case State::mismatch:
        return error_response(
            make_error(Errc::invalid_request,
                       "this Idempotency-Key was already used for a different request; send a "
                       "new key for a new request"));
      case State::claimed:
        break;
    }
    Response response;
    try {
      response = route(request, params);
    } catch (...) {  // http/ answers 500; the key must not stay claimed until it is stale
      (void)context.store.release_idempotency_key(scope, claim_request.key);
      throw;
    }
    // Best effort: if the store fails here, the claim stays open until it is stale, and a retry
    // then does the work again (photo uploads are also deduplicated by content).
    if (storable(response)) {
      (void)context.store.complete_idempotency_key(scope, claim_request.key, response.status,
                                                   response.body);
    } else {
      (void)context.store.release_idempotency_key(scope, claim_request.key);
    }
    return response;
  };
}

}  // namespace findme::api
