// Confidence bands (issue 10): "Is this you?" candidates, their face crops and the answers.
// Additions to API.md, documented in docs/api.md.
#include "api/json_mapping.h"
#include "api/request_helpers.h"
#include "api/routes.h"

namespace findme::api {
namespace {

using nlohmann::json;

Error face_not_found() { return make_error(Errc::not_found, "no such face, or it is not yours"); }

Response my_candidates(const ApiContext& c, const Request& req) {
  Result<User> user = authenticate(c.accounts, req);
  if (!user) return error_response(user.error());
  std::optional<std::string_view> code = req.query_param("event_code");
  if (code && code->empty()) code.reset();
  return respond(c.gallery.my_candidates(*user, code),
                 [](const std::vector<domain::MyCandidate>& mine) {
                   json list = json::array();
                   for (const domain::MyCandidate& m : mine) {
                     const std::string face = wire_id(m.face_id);
                     list.push_back({{"face_id", face},
                                     {"photo_id", wire_id(m.photo_id)},
                                     {"event_code", m.event_code},
                                     {"crop_url", "/api/faces/" + face + "/crop"},
                                     {"similarity", m.similarity}});
                   }
                   return Response::json(200, {{"candidates", list}});
                 });
}

Response face_crop(const ApiContext& c, const Request& req, const PathParams& p) {
  Result<User> user = authenticate(c.accounts, req);
  // Decision 11: anonymous callers learn nothing either.
  if (!user && user.error().code == Errc::unauthorized) return error_response(face_not_found());
  if (!user) return error_response(user.error());
  std::optional<std::int64_t> id = parse_wire_id(p["id"]);
  if (!id) return error_response(face_not_found());
  return respond(c.photos.face_crop(*user, FaceId{*id}), [](const std::string& jpeg) {
    // A face id is never reused (a re-index makes new ones), so the bytes never change.
    return Response::text(200, jpeg, "image/jpeg")
        .set_header("Cache-Control", "private, max-age=86400, immutable");
  });
}

Response answer(const ApiContext& c, const Request& req, const PathParams& p) {
  Result<User> user = authenticate(c.accounts, req);
  if (!user) return error_response(user.error());
  std::optional<std::int64_t> id = parse_wire_id(p["id"]);
  if (!id) return error_response(face_not_found());
  Result<json> body = json_object_body(req);
  if (!body) return error_response(body.error());
  auto is_me = body->find("is_me");
  if (is_me == body->end() || !is_me->is_boolean()) {
    return error_response(make_error(Errc::invalid_request, "send {\"is_me\": true} or false"));
  }
  return respond(c.attendees.answer(*user, FaceId{*id}, is_me->get<bool>()), [](const Match& m) {
    return Response::json(200, {{"match",
                                 {{"photo_id", wire_id(m.photo_id)},
                                  {"band", to_string(m.band)},
                                  {"state", to_string(m.state)}}}});
  });
}

}  // namespace

void add_candidate_routes(Router& router, const ApiContext& c) {
  router.add("GET /api/my-candidates",
             [&c](const Request& req, const PathParams&) { return my_candidates(c, req); });
  router.add("GET /api/faces/{id}/crop",
             [&c](const Request& req, const PathParams& p) { return face_crop(c, req, p); });
  router.add("POST /api/faces/{id}/answer",
             [&c](const Request& req, const PathParams& p) { return answer(c, req, p); });
}

}  // namespace findme::api
