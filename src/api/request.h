// The HTTP request as handlers see it: plain values and views, no sockets. http/ builds one per
// request; handlers read it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace findme::api {

// One part of a multipart/form-data body. A file part has a filename (possibly empty: the
// browser sends filename="" for an empty file input); a plain field has none.
struct Part {
  std::string name;
  std::optional<std::string> filename;
  std::string content_type;  // as sent; not trusted
  std::string_view data;     // into the request's body storage

  bool is_file() const { return filename.has_value(); }
};

// Immutable for handlers. Every string_view (body, Part::data) points into storage that http/
// owns for the whole request, including re-runs after an async wait; it may be a memory-mapped
// spool file for large uploads, so copy what must outlive the request.
// Not thread-safe to mutate; reading from several threads is fine.
struct Request {
  using Fields = std::vector<std::pair<std::string, std::string>>;

  std::string method;          // "GET", "POST"... as sent (HTTP methods are case-sensitive)
  std::string target;          // raw request target, e.g. "/api/jobs/7?wait=10"
  std::string path;            // percent-decoded path, e.g. "/api/events/AB C"
  Fields query;                // decoded query parameters in order; repeated names kept
  Fields headers;              // names as sent; use header() for case-insensitive lookup
  Fields cookies;              // from the Cookie header(s)
  std::string remote_address;  // peer IP, no port
  std::string request_id;      // also in the X-Request-Id response header and every log line
  std::string_view body;       // whole body; empty when none
  bool multipart = false;      // true when the body was multipart/form-data (parsed into parts)
  std::vector<Part> parts;     // in body order

  // Async wait state (see Response::wait_for): set by http/ when it re-runs the handler.
  // `wait_deadline` is the deadline the handler asked for the first time; `wait_expired` is true
  // on the last run (deadline passed or server shutting down): the handler must answer then.
  std::optional<std::chrono::steady_clock::time_point> wait_deadline;
  bool wait_expired = false;

  // First header with this name, ASCII case-insensitive.
  std::optional<std::string_view> header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (iequals(n, name)) return std::string_view(v);
    }
    return std::nullopt;
  }
  // First query parameter with this name (case-sensitive).
  std::optional<std::string_view> query_param(std::string_view name) const {
    return find(query, name);
  }
  std::optional<std::string_view> cookie(std::string_view name) const {
    return find(cookies, name);
  }
  // First non-file multipart part with this name.
  std::optional<std::string_view> field(std::string_view name) const {
    for (const Part& p : parts) {
      if (!p.is_file() && p.name == name) return p.data;
    }
    return std::nullopt;
  }
  // Every file part with this name, in body order.
  std::vector<const Part*> files(std::string_view name) const {
    std::vector<const Part*> out;
    for (const Part& p : parts) {
      if (p.is_file() && p.name == name) out.push_back(&p);
    }
    return out;
  }

  static bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
  }

 private:
  static char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
  static std::optional<std::string_view> find(const Fields& fields, std::string_view name) {
    for (const auto& [n, v] : fields) {
      if (n == name) return std::string_view(v);
    }
    return std::nullopt;
  }
};

}  // namespace findme::api
