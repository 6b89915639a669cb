// Access keys for the Rekognition-compatible API (docs/rekognition.md): an organizer creates,
// lists and revokes them. The secret is in the creation answer only.
#include "api/json_mapping.h"
#include "api/request_helpers.h"
#include "api/routes.h"

namespace findme::api {
namespace {

using nlohmann::json;

json access_key_json(const AccessKey& key) {
  json out{{"access_key_id", key.id},
           {"created_at", format_time(key.created_at)},
           {"last_used_at", key.last_used_at ? json(format_time(*key.last_used_at)) : json()},
           {"read_only", key.read_only}};
  if (!key.secret.empty()) out["secret_access_key"] = key.secret;
  return out;
}

}  // namespace

void add_access_key_routes(Router& router, const ApiContext& c) {
  if (c.access_keys == nullptr) return;
  domain::AccessKeys& keys = *c.access_keys;

  router.add("POST /api/access-keys", [&accounts = c.accounts, &keys](const Request& req,
                                                                      const PathParams&) {
    Result<User> user = authenticate(accounts, req);
    if (!user) return error_response(user.error());
    // The body is optional: none, or {}, gives a key that may call every operation.
    bool read_only = false;
    if (!req.body.empty()) {
      Result<json> body = json_object_body(req);
      if (!body) return error_response(body.error());
      auto it = body->find("read_only");
      if (it != body->end() && !it->is_null()) {
        if (!it->is_boolean()) {
          return error_response(
              make_error(Errc::invalid_request, "read_only must be true or false."));
        }
        read_only = it->get<bool>();
      }
    }
    return respond(keys.create(*user, read_only), [](const AccessKey& key) {
      return Response::json(201, access_key_json(key)).set_header("Cache-Control", "no-store");
    });
  });

  router.add("GET /api/access-keys",
             [&accounts = c.accounts, &keys](const Request& req, const PathParams&) {
               Result<User> user = authenticate(accounts, req);
               if (!user) return error_response(user.error());
               return respond(keys.list(*user), [](const std::vector<AccessKey>& list) {
                 json out = json::array();
                 for (const AccessKey& key : list) out.push_back(access_key_json(key));
                 return Response::json(200, {{"access_keys", out}});
               });
             });

  router.add("DELETE /api/access-keys/{id}",
             [&accounts = c.accounts, &keys](const Request& req, const PathParams& params) {
               Result<User> user = authenticate(accounts, req);
               if (!user) return error_response(user.error());
               Result<void> revoked = keys.revoke(*user, params["id"]);
               if (!revoked) return error_response(revoked.error());
               return Response::no_content();
             });
}

}  // namespace findme::api
