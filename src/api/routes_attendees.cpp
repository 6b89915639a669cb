#include <charconv>
#include <chrono>

#include "api/idempotency.h"
#include "api/json_mapping.h"
#include "api/request_helpers.h"
#include "api/routes.h"
#include "domain/job_runner.h"

namespace findme::api {
namespace {

using nlohmann::json;

constexpr int kMaxWaitSeconds = 30;  // API.md: ?wait=N holds at most 30 s

Result<std::optional<std::span<const std::byte>>> optional_selfie(const Request& req) {
  if (!req.multipart) return std::optional<std::span<const std::byte>>();
  std::vector<const Part*> parts = req.files("selfie");
  if (parts.empty()) return std::optional<std::span<const std::byte>>();
  if (parts.size() > 1) return make_error(Errc::invalid_request, "send one selfie at a time");
  return std::optional(std::as_bytes(std::span(parts.front()->data)));
}

Response register_attendee(const ApiContext& c, const Request& req) {
  json body = json::object();
  if (!req.multipart) {
    Result<json> parsed = json_object_body(req);
    if (!parsed) return error_response(parsed.error());
    body = std::move(*parsed);
  }
  Result<std::optional<std::span<const std::byte>>> selfie = optional_selfie(req);
  if (!selfie) return error_response(selfie.error());
  return respond(
      c.attendees.register_with_code(
          text_field(req, body, "event_code"), text_field(req, body, "email"),
          text_field(req, body, "password"), text_field(req, body, "name"), *selfie),
      [](const domain::Registration& r) {
        return Response::json(
            r.created ? 201 : 200,
            {{"user", user_json(r.session.user)},
             {"token", r.session.token},
             {"event", {{"code", r.event.code}, {"name", r.event.name}}},
             {"match_job", r.match_job ? job_summary_json(*r.match_job) : json(nullptr)}});
      });
}

Response upload_selfie(const ApiContext& c, const Request& req) {
  Result<User> user = authenticate(c.accounts, req);
  if (!user) return error_response(user.error());
  Result<std::optional<std::span<const std::byte>>> selfie = optional_selfie(req);
  if (!selfie) return error_response(selfie.error());
  if (!*selfie) {
    return error_response(make_error(
        Errc::invalid_request, "attach the photo as a multipart/form-data 'selfie' file part"));
  }
  const std::string code(req.field("event_code").value_or(""));
  return respond(c.attendees.upload_selfie(*user, code, **selfie), [](const Job& job) {
    return Response::json(202, {{"job", job_summary_json(job)}});
  });
}

// ?wait=N: a whole number of seconds, clamped to 0..30 (decision 9).
Result<int> wait_seconds(const Request& req) {
  std::optional<std::string_view> text = req.query_param("wait");
  if (!text) return 0;
  long value = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || ec != std::errc() || ptr != text->data() + text->size()) {
    return make_error(Errc::invalid_request, "wait must be a whole number of seconds (0-30)");
  }
  return static_cast<int>(std::clamp<long>(value, 0, kMaxWaitSeconds));
}

Response get_job(const ApiContext& c, const Request& req, const PathParams& p) {
  Result<User> user = authenticate(c.accounts, req);
  if (!user && user.error().code == Errc::unauthorized) {
    // Decision 11: a job the caller may not see is 404, anonymous or not.
    return error_response(make_error(Errc::not_found, "no such job, or it is not yours"));
  }
  if (!user) return error_response(user.error());
  Result<int> wait = wait_seconds(req);
  if (!wait) return error_response(wait.error());
  std::optional<std::int64_t> id = parse_wire_id(p["id"]);
  if (!id) return error_response(make_error(Errc::not_found, "no such job"));
  Result<Job> job = c.gallery.job_view(user->id, JobId{*id});
  if (!job) return error_response(job.error());
  const bool ended = job->status == JobStatus::done || job->status == JobStatus::failed;
  if (ended || *wait == 0 || req.wait_expired) {
    return Response::json(200, {{"job", job_json(*job)}});
  }
  const auto deadline =
      req.wait_deadline.value_or(std::chrono::steady_clock::now() + std::chrono::seconds(*wait));
  return Response::wait_for(domain::job_notify_key(job->id), deadline);
}

Response my_photos(const ApiContext& c, const Request& req) {
  Result<User> user = authenticate(c.accounts, req);
  if (!user) return error_response(user.error());
  std::optional<std::string_view> code = req.query_param("event_code");
  if (code && code->empty()) code.reset();
  return respond(c.gallery.my_photos(*user, code), [](const domain::MyPhotos& mine) {
    json photos = json::array();
    for (const domain::MyPhoto& m : mine.photos) {
      const std::string id = wire_id(m.photo.id);
      photos.push_back({{"id", id},
                        {"event_code", m.event_code},
                        {"similarity", m.similarity},
                        {"thumbnail_url", "/api/photos/" + id + "/thumbnail"},
                        {"original_url", "/api/photos/" + id + "/original"},
                        {"width", m.photo.width},
                        {"height", m.photo.height}});
    }
    return Response::json(
        200,
        {{"photos", photos}, {"pending_jobs", mine.pending_jobs}, {"candidates", mine.candidates}});
  });
}

Response photo_file(const ApiContext& c, const Request& req, const PathParams& p,
                    domain::PhotoVariant variant) {
  Result<User> user = authenticate(c.accounts, req);
  if (!user && user.error().code == Errc::unauthorized) {
    // Decision 11: anonymous callers learn nothing either.
    return error_response(make_error(Errc::not_found, "no such photo, or you may not see it"));
  }
  if (!user) return error_response(user.error());
  std::optional<std::int64_t> id = parse_wire_id(p["id"]);
  if (!id) return error_response(make_error(Errc::not_found, "no such photo"));
  return respond(c.photos.file(*user, PhotoId{*id}, variant), [](const domain::PhotoFile& f) {
    return Response::send_file(FileBody{.path = f.path,
                                        .content_type = f.content_type,
                                        .etag = f.etag,
                                        .cache_control = "private, max-age=86400, immutable"});
  });
}

Response hide_match(const ApiContext& c, const Request& req, const PathParams& p) {
  Result<User> user = authenticate(c.accounts, req);
  if (!user) return error_response(user.error());
  std::optional<std::int64_t> id = parse_wire_id(p["id"]);
  if (!id) return error_response(make_error(Errc::not_found, "no such photo"));
  Result<void> hidden = c.gallery.hide(user->id, PhotoId{*id});
  if (!hidden) return error_response(hidden.error());
  return Response::no_content();
}

}  // namespace

void add_attendee_routes(Router& router, const ApiContext& c) {
  router.add("POST /api/register-with-event-code",
             idempotent(c, [&c](const Request& req, const PathParams&) {
               return register_attendee(c, req);
             }));
  router.add("POST /api/upload-selfie", idempotent(c, [&c](const Request& req, const PathParams&) {
               return upload_selfie(c, req);
             }));
  router.add("GET /api/jobs/{id}",
             [&c](const Request& req, const PathParams& p) { return get_job(c, req, p); });
  router.add("GET /api/my-photos",
             [&c](const Request& req, const PathParams&) { return my_photos(c, req); });
  router.add("GET /api/photos/{id}/thumbnail", [&c](const Request& req, const PathParams& p) {
    return photo_file(c, req, p, domain::PhotoVariant::thumbnail);
  });
  router.add("GET /api/photos/{id}/original", [&c](const Request& req, const PathParams& p) {
    return photo_file(c, req, p, domain::PhotoVariant::original);
  });
  // "This isn't me" (an addition to API.md, documented in docs/api.md).
  router.add("POST /api/photos/{id}/not-me",
             [&c](const Request& req, const PathParams& p) { return hide_match(c, req, p); });
}

}  // namespace findme::api
