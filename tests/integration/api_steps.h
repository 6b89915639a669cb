// The API steps integration tests repeat (sign up, create an event, upload, wait for jobs,
// register an attendee) and the error-body check. Test-only and header-only.
// Helpers throw std::runtime_error on a failed step: gtest reports it as a test failure.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "integration/http_client.h"
#include "integration/server_process.h"

namespace findme::integration {

inline constexpr const char* kPassword = "correct horse battery";
// Deadline for background work (indexing, matching); generous for ASan builds on 2 busy cores.
inline constexpr std::chrono::seconds kJobTimeout{240};

inline std::string unique_email(const std::string& who) {
  static std::atomic<int> counter{0};
  return who + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + "@example.org";
}

[[noreturn]] inline void step_failed(const std::string& step, const HttpResponse& r) {
  throw std::runtime_error(step + ": " + r.describe());
}

// Asserts API.md's error shape: status, {"error": {"code", "message"}} with a non-empty message.
inline ::testing::AssertionResult is_error(const HttpResponse& r, int status,
                                           const std::string& code) {
  const json body = r.json_body();
  if (r.status != status) {
    return ::testing::AssertionFailure()
           << "expected " << status << " " << code << ", got " << r.describe();
  }
  if (!body.is_object() || !body.contains("error") || !body["error"].is_object() ||
      !body["error"].value("code", json()).is_string() ||
      !body["error"].value("message", json()).is_string()) {
    return ::testing::AssertionFailure() << "not an error body: " << r.describe();
  }
  if (body["error"]["code"] != code || body["error"]["message"].get<std::string>().empty()) {
    return ::testing::AssertionFailure() << "expected code " << code << ", got " << r.describe();
  }
  return ::testing::AssertionSuccess();
}

// A client signed in as a new organizer.
inline HttpClient sign_up_organizer(std::uint16_t port, const std::string& email) {
  HttpClient client(port);
  HttpResponse r = client.post_json(
      "/api/organizers", {{"email", email}, {"password", kPassword}, {"name", "Olga Organizer"}});
  if (r.status != 201) {
    step_failed("sign up organizer", r);
  }
  client.set_token(r.json_body()["token"].get<std::string>());
  return client;
}

inline std::string create_event(const HttpClient& organizer, const std::string& name) {
  HttpResponse r = organizer.post_json("/api/events", {{"name", name}});
  if (r.status != 201) {
    step_failed("create event", r);
  }
  return r.json_body()["event"]["code"].get<std::string>();
}

struct NamedFile {
  std::string filename;
  std::string bytes;
};

// POST /api/events/{code}/photos; returns the 202 body.
inline json upload_photos(const HttpClient& organizer, const std::string& code,
                          const std::vector<NamedFile>& files) {
  Multipart form;
  for (const NamedFile& f : files) {
    form.file("photos", f.filename, f.bytes);
  }
  HttpResponse r = organizer.post_multipart("/api/events/" + code + "/photos", form);
  if (r.status != 202) {
    step_failed("upload photos", r);
  }
  return r.json_body();
}

// Holds GET /api/jobs/{id}?wait=30 until the job ends; returns the job object.
inline json wait_for_job(const HttpClient& owner, const std::string& job_id) {
  const auto deadline = Clock::now() + kJobTimeout;
  for (;;) {
    HttpResponse r = owner.get("/api/jobs/" + job_id + "?wait=30");
    if (r.status != 200) {
      step_failed("get job " + job_id, r);
    }
    json job = r.json_body()["job"];
    if (job["status"] == "done" || job["status"] == "failed") {
      return job;
    }
    if (Clock::now() > deadline) {
      step_failed("job " + job_id + " did not end", r);
    }
  }
}

// Polls `probe` (true when done) until it holds or kJobTimeout passes; false on timeout.
template <class Probe>
bool eventually(Probe probe, std::chrono::milliseconds every = std::chrono::milliseconds(100)) {
  const auto deadline = Clock::now() + kJobTimeout;
  while (!probe()) {
    if (Clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(every);  // polling interval, not a synchronisation
  }
  return true;
}

inline json get_json(const HttpClient& client, const std::string& target) {
  HttpResponse r = client.get(target);
  if (r.status != 200) {
    step_failed("GET " + target, r);
  }
  return r.json_body();
}

struct Attendee {
  HttpClient client;
  json registration;  // the register-with-event-code body
};

// Registers (multipart) with `code`, and a selfie when `selfie` is not empty.
inline Attendee register_attendee(std::uint16_t port, const std::string& code,
                                  const std::string& email, const std::string& selfie = "") {
  Multipart form;
  form.field("event_code", code).field("email", email).field("password", kPassword);
  form.field("name", "Ada Attendee");
  if (!selfie.empty()) {
    form.file("selfie", "selfie.jpg", selfie);
  }
  Attendee a{HttpClient(port), json()};
  HttpResponse r = a.client.post_multipart("/api/register-with-event-code", form);
  if (r.status != 201 && r.status != 200) {
    step_failed("register attendee", r);
  }
  a.registration = r.json_body();
  a.client.set_token(a.registration["token"].get<std::string>());
  return a;
}

}  // namespace findme::integration
