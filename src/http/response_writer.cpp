// clang-format off
#include "http/asio_config.h"  // before every other header: see there
// clang-format on
#include "http/response_writer.h"

#include <utility>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include "api/errors.h"
#include "http/static_files.h"
#include "http/text.h"

namespace findme::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using std::chrono::milliseconds;

namespace {

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
  // A view, not a copy: `response` outlives the write.
  const std::string& body = response.shared_body ? *response.shared_body : response.body;
  bhttp::response<bhttp::span_body<const char>> res;
  res.version(11);
  res.result(static_cast<unsigned>(response.status));
  add_headers(res, response.headers, request, keep_alive);
  res.body() = {body.data(), body.size()};
  res.prepare_payload();
  WriteOutcome out{response.status, 0, false};
  out.ok = co_await send(conn, res, request.method == "HEAD", idle);
  if (out.ok && request.method != "HEAD") out.bytes = body.size();
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
    api::Response missing = api::error_response(make_error(Errc::not_found, "not found"));
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

// 256 KiB per pool call: few hops per photo, little memory per download.
constexpr std::size_t kStreamChunkBytes = std::size_t{256} * 1024;

template <class Buffers>
asio::awaitable<bool> write_raw(Connection& conn, const Buffers& buffers, milliseconds idle) {
  boost::system::error_code ec;
  conn.stream.expires_after(idle);
  co_await asio::async_write(conn.stream, buffers, asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec;
}

// The header first, then each piece as the producer makes it on the pool. The idle deadline is
// set before every write, so slow production never counts against the client.
asio::awaitable<WriteOutcome> write_stream(Connection& conn, const api::Response& response,
                                           const api::Request& request, bool keep_alive,
                                           milliseconds idle, BlockingPool* pool) {
  const api::StreamBody& stream = *response.stream;
  if (!pool) {
    spdlog::error("rid={} a streamed body needs the blocking pool", request.request_id);
    api::Response failed =
        api::error_response(make_error(Errc::internal, "the download failed; try again"));
    co_return co_await write_string(conn, failed, request, false, idle);
  }
  bhttp::response<bhttp::empty_body> res;
  res.version(11);
  res.result(static_cast<unsigned>(response.status));
  add_headers(res, response.headers, request, keep_alive);
  res.set(bhttp::field::content_type, stream.content_type);
  if (stream.content_length) {
    res.content_length(*stream.content_length);
  } else {
    res.chunked(true);
  }
  WriteOutcome out{response.status, 0, false};
  if (!co_await send(conn, res, true, idle)) co_return out;
  if (request.method == "HEAD") {
    out.ok = true;
    co_return out;
  }
  std::vector<char> buffer(kStreamChunkBytes);
  for (;;) {
    auto produce = [&stream, &buffer] { return stream.next(buffer); };
    Result<std::size_t> made = make_error(Errc::internal, "the producer threw");
    try {
      made = co_await run_blocking(*pool, produce);
    } catch (const std::exception& e) {
      made = make_error(Errc::internal, e.what());
    }
    if (!made) {
      spdlog::warn("rid={} streamed body failed after {} bytes: {}", request.request_id, out.bytes,
                   made.error().message);
      co_return out;  // not ok: the connection closes and the client sees a cut download
    }
    const std::size_t n = *made;
    if (stream.content_length && out.bytes + n > *stream.content_length) {
      spdlog::error("rid={} streamed body longer than its Content-Length", request.request_id);
      co_return out;
    }
    if (n == 0) break;
    bool written =
        stream.content_length
            ? co_await write_raw(conn, asio::buffer(buffer.data(), n), idle)
            : co_await write_raw(conn, bhttp::make_chunk(asio::buffer(buffer.data(), n)), idle);
    if (!written) co_return out;
    out.bytes += n;
  }
  if (stream.content_length && out.bytes != *stream.content_length) {
    spdlog::error("rid={} streamed body shorter than its Content-Length ({} of {})",
                  request.request_id, out.bytes, *stream.content_length);
    co_return out;
  }
  if (!stream.content_length && !co_await write_raw(conn, bhttp::make_chunk_last(), idle)) {
    co_return out;
  }
  out.ok = true;
  co_return out;
}

}  // namespace

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  while (!if_none_match.empty()) {
    std::size_t comma = if_none_match.find(',');
    std::string_view tag = trim_ows(if_none_match.substr(0, comma));
    if_none_match =
        comma == std::string_view::npos ? std::string_view{} : if_none_match.substr(comma + 1);
    if (tag == "*" || strip_weak(tag) == strip_weak(etag)) return true;
  }
  return false;
}

asio::awaitable<WriteOutcome> write_response(Connection& conn, api::Response response,
                                             const api::Request& request, bool keep_alive,
                                             milliseconds idle_timeout, BlockingPool* pool) {
  if (response.stream) {
    co_return co_await write_stream(conn, response, request, keep_alive, idle_timeout, pool);
  }
  if (response.file) {
    co_return co_await write_file(conn, response, request, keep_alive, idle_timeout);
  }
  co_return co_await write_string(conn, response, request, keep_alive, idle_timeout);
}

}  // namespace findme::http
