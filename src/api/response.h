// The HTTP response as handlers produce it: a status, headers and either a body string, a file
// to stream, a body produced piece by piece, or a request to wait asynchronously and be called
// again.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace findme::api {

// A file streamed from disk (photos, thumbnails). http/ adds Content-Length, an ETag (this one
// or one derived from size and modification time) and answers 304 to a matching If-None-Match.
// A file that cannot be opened becomes 404 not_found.
struct FileBody {
  std::filesystem::path path;
  std::string content_type;
  std::string etag;           // full header value including quotes; empty: http/ derives one
  std::string cache_control;  // empty: "private, max-age=3600"
};

// A body made while it is sent (the ZIP of an attendee's photos). http/ calls `next` on its
// blocking pool, one call at a time and never on an I/O thread, so it may block on disk; each
// call fills `out` as far as it can and returns how many bytes it wrote, 0 only at the end. An
// error after the headers were sent cannot be reported in-band: http/ logs it and closes the
// connection, so the client sees a truncated (invalid) download rather than a wrong one.
// With `content_length` the body is sent with that exact Content-Length (a producer that
// delivers fewer or more bytes is an error); without it, with chunked transfer encoding.
// `next` is not called for HEAD.
struct StreamBody {
  std::string content_type;
  std::optional<std::uint64_t> content_length;
  std::function<Result<std::size_t>(std::span<char> out)> next;
};

// "Call me again when `key` is notified (core/notifier.h) or at `deadline`, whichever is first."
// No thread is held meanwhile. On the re-run the Request carries wait_deadline (and
// wait_expired on the last run); the handler may ask to wait again for spurious wake-ups.
struct WaitFor {
  std::string key;
  std::chrono::steady_clock::time_point deadline;
};

// A value; moved to http/.
struct Response {
  using Fields = std::vector<std::pair<std::string, std::string>>;

  int status = 200;
  Fields headers;  // extra headers; Content-Length is computed by http/
  std::string body;
  // When set, sent instead of `body`: bytes shared by many responses (the web app's files, held
  // in memory), so that a thousand clients reading one script do not each hold a copy.
  std::shared_ptr<const std::string> shared_body;
  std::optional<FileBody> file;      // when set, streamed instead of `body`
  std::optional<StreamBody> stream;  // when set, produced and sent instead of `body`
  std::optional<WaitFor> wait;       // when set, nothing is sent yet (see WaitFor)
  // The route template that matched, e.g. "/api/jobs/{id}": used for metrics labels and the
  // access log, so that raw ids never become label values. Empty: "unmatched".
  std::string route;

  Response& set_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  Response& with_route(std::string route_template) {
    route = std::move(route_template);
    return *this;
  }

  static Response json(int status, const nlohmann::json& value) {
    Response r;
    r.status = status;
    r.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    r.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
    return r;
  }
  // The contract's error shape: {"error": {"code": ..., "message": ...}}.
  static Response error(int status, std::string_view code, std::string_view message) {
    return json(status, {{"error", {{"code", code}, {"message", message}}}});
  }
  static Response no_content() {
    Response r;
    r.status = 204;
    return r;
  }
  static Response text(int status, std::string body, std::string content_type) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    r.headers.emplace_back("Content-Type", std::move(content_type));
    return r;
  }
  static Response send_file(FileBody file) {
    Response r;
    r.file = std::move(file);
    return r;
  }
  static Response send_stream(StreamBody stream) {
    Response r;
    r.stream = std::move(stream);
    return r;
  }
  static Response wait_for(std::string key, std::chrono::steady_clock::time_point deadline) {
    Response r;
    r.wait = WaitFor{std::move(key), deadline};
    return r;
  }
};

}  // namespace findme::api
