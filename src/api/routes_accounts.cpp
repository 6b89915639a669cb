#include "api/idempotency.h"
#include "api/json_mapping.h"
#include "api/request_helpers.h"
#include "api/routes.h"

namespace findme::api {
namespace {

using nlohmann::json;

json session_json(const domain::Session& session) {
  return {{"user", user_json(session.user)}, {"token", session.token}};
}

}  // namespace

void add_account_routes(Router& router, const ApiContext& c) {
  router.add("POST /api/organizers",
             idempotent(c, [&accounts = c.accounts](const Request& req, const PathParams&) {
               Result<json> body = json_object_body(req);
               if (!body) return error_response(body.error());
               return respond(
                   accounts.register_organizer(text_field(req, *body, "email"),
                                               text_field(req, *body, "password"),
                                               text_field(req, *body, "name")),
                   [](const domain::Session& s) { return Response::json(201, session_json(s)); });
             }));

  router.add("POST /api/login", [&accounts = c.accounts](const Request& req, const PathParams&) {
    Result<json> body = json_object_body(req);
    if (!body) return error_response(body.error());
    return respond(
        accounts.login(text_field(req, *body, "email"), text_field(req, *body, "password")),
        [](const domain::Session& s) { return Response::json(200, session_json(s)); });
  });

  router.add("POST /api/logout", [&accounts = c.accounts](const Request& req, const PathParams&) {
    Result<User> user = authenticate(accounts, req);
    if (!user) return error_response(user.error());
    Result<void> ended = accounts.logout(*bearer_token(req));
    if (!ended) return error_response(ended.error());
    return Response::no_content();
  });

  router.add("GET /api/me", [&accounts = c.accounts](const Request& req, const PathParams&) {
    Result<User> user = authenticate(accounts, req);
    if (!user) return error_response(user.error());
    return respond(accounts.profile(*user), [](const domain::Profile& p) {
      json events = json::array();
      for (const Event& e : p.events) {
        events.push_back(p.user.role == Role::organizer ? event_json(e) : public_event_json(e));
      }
      return Response::json(200, {{"user", user_json(p.user)}, {"events", events}});
    });
  });

  router.add("DELETE /api/me", [&accounts = c.accounts](const Request& req, const PathParams&) {
    Result<User> user = authenticate(accounts, req);
    if (!user) return error_response(user.error());
    Result<void> erased = accounts.erase(*user);
    if (!erased) return error_response(erased.error());
    return Response::no_content();
  });
}

}  // namespace findme::api
