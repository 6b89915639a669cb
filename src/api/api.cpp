#include "api/api.h"

#include "api/routes.h"

namespace findme::api {

Api::Api(ApiContext context) : context_(std::move(context)) {
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
  return router_.dispatch(request);
}

}  // namespace findme::api
