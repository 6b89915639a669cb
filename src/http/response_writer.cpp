// clang-format off
#include "http/asio_config.h"  // before every other header: see there
// clang-format on
#include "http/response_writer.h"

#include <utility>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "http/static_files.h"

namespace findme::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using std::chrono::milliseconds;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view strip_weak(std::string_view tag) {
  return tag.starts_with("W/") ? tag.substr(2) : tag;
}

template <class Body>
void add_headers(bhttp::response<Body>& res, const api::Response::Fields& headers,
                 const api::Request& request, bool keep_alive) {
  for (const auto& [name, value] : headers) res.insert(name, value);
  res.set("X-Request-Id", request.request_id);
  res.keep_alive(keep_alive);
}

// Writes in pieces so that the idle deadline restarts whenever the client makes progress: a big
// photo to a slow phone is fine, a client that stops reading is not.
template <class Body>
asio::awaitable<bool> send(Connection& conn, bhttp::response<Body>& res, bool head,
                           milliseconds idle) {
  bhttp::response_serializer<Body> sr(res);
  boost::system::error_code ec;
  if (head) {
    conn.stream.expires_after(idle);
    co_await bhttp::async_write_header(conn.stream, sr,
                                       asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec;
  }
  while (!sr.is_done()) {
    conn.stream.expires_after(idle);
    co_await bhttp::async_write_some(conn.stream, sr,
                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return false;
  }
  co_return true;
}

asio::awaitable<WriteOutcome> write_string(Connection& conn, const api::Response& response,
                                           const api::Request& request, bool keep_alive,
                                           milliseconds idle) {
  bhttp::response<bhttp::string_body> res;
  res.version(11);
  res.result(static_cast<unsigned>(response.status));
  add_headers(res, response.headers, request, keep_alive);
  res.body() = response.body;
  res.prepare_payload();
  WriteOutcome out{response.status, 0, false};
  out.ok = co_await send(conn, res, request.method == "HEAD", idle);
  if (out.ok && request.method != "HEAD") out.bytes = response.body.size();
  co_return out;
}

asio::awaitable<WriteOutcome> write_file(Connection& conn, const api::Response& response,
                                         const api::Request& request, bool keep_alive,
                                         milliseconds idle) {
  const api::FileBody& file = *response.file;
  std::string etag = file.etag.empty() ? file_etag(file.path) : file.etag;
  std::string cache = file.cache_control.empty() ? "private, max-age=3600" : file.cache_control;
  auto inm = request.header("If-None-Match");
  if (inm && !etag.empty() && etag_matches(*inm, etag)) {
    bhttp::response<bhttp::empty_body> res;
    res.version(11);
    res.result(bhttp::status::not_modified);
    add_headers(res, response.headers, request, keep_alive);
    res.set(bhttp::field::etag, etag);
    res.set(bhttp::field::cache_control, cache);
    WriteOutcome out{304, 0, false};
    out.ok = co_await send(conn, res, true, idle);
    co_return out;
  }
  bhttp::response<bhttp::file_body> res;
  beast::error_code ec;
  res.body().open(file.path.c_str(), beast::file_mode::scan, ec);
  if (ec) {
    api::Response missing = api::Response::error(404, "not_found", "not found");
    co_return co_await write_string(conn, missing, request, keep_alive, idle);
  }
  res.version(11);
  res.result(static_cast<unsigned>(response.status));
  add_headers(res, response.headers, request, keep_alive);
  res.set(bhttp::field::content_type, file.content_type);
  if (!etag.empty()) res.set(bhttp::field::etag, etag);
  res.set(bhttp::field::cache_control, cache);
  res.prepare_payload();
  std::size_t size = static_cast<std::size_t>(res.body().size());
  WriteOutcome out{response.status, 0, false};
  out.ok = co_await send(conn, res, request.method == "HEAD", idle);
  if (out.ok && request.method != "HEAD") out.bytes = size;
  co_return out;
}

}  // namespace

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  while (!if_none_match.empty()) {
    std::size_t comma = if_none_match.find(',');
    std::string_view tag = trim(if_none_match.substr(0, comma));
    if_none_match =
        comma == std::string_view::npos ? std::string_view{} : if_none_match.substr(comma + 1);
    if (tag == "*" || strip_weak(tag) == strip_weak(etag)) return true;
  }
  return false;
}

asio::awaitable<WriteOutcome> write_response(Connection& conn, api::Response response,
                                             const api::Request& request, bool keep_alive,
                                             milliseconds idle_timeout) {
  if (response.file) {
    co_return co_await write_file(conn, response, request, keep_alive, idle_timeout);
  }
  co_return co_await write_string(conn, response, request, keep_alive, idle_timeout);
}

}  // namespace findme::http
