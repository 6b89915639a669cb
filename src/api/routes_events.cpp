#include <vector>

#include "api/idempotency.h"
#include "api/json_mapping.h"
#include "api/request_helpers.h"
#include "api/routes.h"

namespace findme::api {
namespace {

using nlohmann::json;

Result<std::optional<Timestamp>> optional_start(const json& body) {
  auto it = body.find("starts_at");
  if (it == body.end() || it->is_null()) return std::optional<Timestamp>();
  if (!it->is_string()) {
    return make_error(Errc::invalid_request, "starts_at must be an RFC 3339 time string");
  }
  std::optional<Timestamp> t = parse_time(it->get<std::string>());
  if (!t) {
    return make_error(Errc::invalid_request,
                      "starts_at must be an RFC 3339 time, e.g. 2026-06-01T18:00:00Z");
  }
  return std::optional<Timestamp>(*t);
}

Response upload_photos(const ApiContext& c, const Request& req, const PathParams& p) {
  Result<User> user = authenticate(c.accounts, req);
  if (!user) return error_response(user.error());
  if (!req.multipart) {
    return error_response(
        make_error(Errc::invalid_request, "send the photos as multipart/form-data 'photos' parts"));
  }
  std::vector<domain::UploadedFile> files;
  for (const Part* part : req.files("photos")) {
    files.push_back({part->filename.value_or(""), std::as_bytes(std::span(part->data))});
  }
  if (files.empty()) {
    return error_response(
        make_error(Errc::invalid_request, "no 'photos' file part: attach one or more photos"));
  }
  return respond(c.photos.upload(*user, p["code"], files), [](const domain::UploadOutcome& out) {
    json photos = json::array();
    for (const store::PhotoAndJob& pj : out.accepted) {
      photos.push_back({{"id", wire_id(pj.photo.id)},
                        {"filename", pj.photo.filename},
                        {"status", to_string(pj.photo.status)},
                        {"job_id", wire_id(pj.job.id)},
                        {"duplicate", pj.duplicate}});
    }
    json rejected = json::array();
    for (const domain::RejectedFile& r : out.rejected) {
      rejected.push_back(
          {{"filename", r.filename},
           {"error", {{"code", to_string(r.error.code)}, {"message", r.error.message}}}});
    }
    return Response::json(202, {{"photos", photos}, {"rejected", rejected}});
  });
}

}  // namespace

void add_event_routes(Router& router, const ApiContext& c) {
  router.add("POST /api/events", [&c](const Request& req, const PathParams&) {
    Result<User> user = authenticate(c.accounts, req);
    if (!user) return error_response(user.error());
    Result<json> body = json_object_body(req);
    if (!body) return error_response(body.error());
    Result<std::optional<Timestamp>> starts = optional_start(*body);
    if (!starts) return error_response(starts.error());
    return respond(c.events.create(*user, text_field(req, *body, "name"), *starts),
                   [](const Event& e) {
                     return Response::json(201, {{"event", event_json(e)}});
                   });
  });

  router.add("GET /api/events", [&c](const Request& req, const PathParams&) {
    Result<User> user = authenticate(c.accounts, req);
    if (!user) return error_response(user.error());
    return respond(c.events.list(*user), [](const std::vector<Event>& events) {
      json list = json::array();
      for (const Event& e : events) list.push_back(event_json(e));
      return Response::json(200, {{"events", list}});
    });
  });

  router.add("GET /api/events/{code}", [&c](const Request&, const PathParams& p) {
    return respond(c.events.find_public(p["code"]), [&c](const Event& e) {
      Response response = Response::json(200, {{"event", public_event_json(e)}});
      if (c.public_events != nullptr) {
        c.public_events->put(e.code, response.body, PublicEventCache::Clock::now());
      }
      return response;
    });
  });

  router.add("POST /api/events/{code}/photos",
             idempotent(c, [&c](const Request& req, const PathParams& p) {
               return upload_photos(c, req, p);
             }));

  router.add("GET /api/events/{code}/photos", [&c](const Request& req, const PathParams& p) {
    Result<User> user = authenticate(c.accounts, req);
    if (!user) return error_response(user.error());
    return respond(c.photos.list(*user, p["code"]), [](const std::vector<Photo>& photos) {
      json list = json::array();
      for (const Photo& photo : photos) list.push_back(photo_json(photo));
      return Response::json(200, {{"photos", list}});
    });
  });

  router.add("GET /api/events/{code}/stats", [&c](const Request& req, const PathParams& p) {
    Result<User> user = authenticate(c.accounts, req);
    if (!user) return error_response(user.error());
    return respond(c.events.stats(*user, p["code"]),
                   [](const EventStats& s) { return Response::json(200, stats_json(s)); });
  });

  router.add("DELETE /api/events/{code}", [&c](const Request& req, const PathParams& p) {
    Result<User> user = authenticate(c.accounts, req);
    if (!user) return error_response(user.error());
    Result<void> removed = c.events.remove(*user, p["code"]);
    if (!removed) return error_response(removed.error());
    return Response::no_content();
  });
}

}  // namespace findme::api
