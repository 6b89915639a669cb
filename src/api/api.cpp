#include "api/api.h"

#include <string_view>

#include "api/routes.h"
#include "domain/validation.h"

namespace findme::api {

Api::Api(ApiContext context) : context_(std::move(context)) {
  context_.public_events = &public_events_;
  add_account_routes(router_, context_);
  add_event_routes(router_, context_);
  add_attendee_routes(router_, context_);
  add_candidate_routes(router_, context_);
  add_archive_routes(router_, context_);
  add_operation_routes(router_, context_);
  add_access_key_routes(router_, context_);
}

Response Api::handle(const Request& request) {
  if (context_.housekeeping != nullptr) context_.housekeeping->run_if_due();
  if (context_.aws != nullptr && (request.path == "/aws" || request.path == "/aws/")) {
    return context_.aws->handle(request);
  }
  Response response = router_.dispatch(request);
  // A write may have changed what an event shows (its photo count) or removed it.
  if (request.method != "GET" && request.method != "HEAD" && response.status < 400) {
    public_events_.clear();
  }
  return response;
}

std::optional<Response> Api::handle_from_memory(const Request& request) {
  static constexpr std::string_view kPrefix = "/api/events/";
  std::string_view path = request.path;
  if (request.method != "GET" || !path.starts_with(kPrefix)) return std::nullopt;
  std::string_view code = path.substr(kPrefix.size());
  if (code.empty() || code.find('/') != std::string_view::npos) return std::nullopt;
  std::optional<std::string> canonical = domain::normalize_event_code(code);
  if (!canonical) return std::nullopt;
  auto body = public_events_.get(*canonical, PublicEventCache::Clock::now());
  if (!body) return std::nullopt;
  Response response;
  response.shared_body = std::move(body);
  response.set_header("Content-Type", "application/json; charset=utf-8");
  return std::move(response.with_route("/api/events/{code}"));
}

}  // namespace findme::api
