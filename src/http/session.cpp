// The per-connection coroutine: read a request (header, then body within limits and deadlines),
// build an api::Request, answer it (static file or handler, with async waits), log, repeat.
// clang-format off
#include "http/asio_config.h"  // before every other header: see there
// clang-format on
#include <cstdio>
#include <random>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <spdlog/spdlog.h>

#include "api/errors.h"
#include "core/stopwatch.h"
#include "http/dispatch.h"
#include "http/multipart.h"
#include "http/response_writer.h"
#include "http/server_state.h"
#include "http/spool.h"
#include "http/url.h"

namespace findme::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using HeaderParser = bhttp::request_parser<bhttp::empty_body>;

namespace {

constexpr auto kUse = asio::use_awaitable;
constexpr std::size_t kSpoolChunkBytes =
    std::size_t{256} * 1024;  // socket reads between two disk writes

std::string_view sv(beast::string_view s) { return {s.data(), s.size()}; }

std::string new_request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

// Owns the bytes that api::Request::body and Part::data point into.
struct BodyStorage {
  std::string memory;
  std::optional<MappedFile> mapped;
  std::string_view view() const { return mapped ? mapped->data() : std::string_view(memory); }
};

// What reading a body produced: the bytes, or a reply to send before closing, or nothing at all
// (the peer went away or stalled: just close).
struct BodyRead {
  BodyStorage storage;
  std::optional<api::Response> reply;
  bool close_silently = false;
};

BodyRead fail(beast::error_code ec) {
  BodyRead out;
  if (ec == bhttp::error::body_limit) {
    out.reply = api::error_response(
        make_error(Errc::payload_too_large, "request body too large; send fewer or smaller files"));
  } else if (ec == beast::error::timeout || ec == bhttp::error::end_of_stream ||
             ec == bhttp::error::partial_message || ec == asio::error::eof ||
             ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
    out.close_silently = true;
  } else {
    out.reply =
        api::error_response(make_error(Errc::invalid_request, "malformed HTTP request body"));
  }
  return out;
}

// The disk could not take an upload (full, read-only...): the client may try again later.
BodyRead spool_failure(const Error& error) {
  spdlog::error("http: {}", error.message);
  BodyRead out;
  out.reply = api::error_response(  // with the Retry-After every 503 carries
      make_error(Errc::unavailable, "cannot store the upload; try again later"));
  return out;
}

// The deadline of each read of a body: a gap of more than `idle` between chunks times out (a
// stalled body), and so does a body whose average rate falls under `min_rate` once the first
// `idle` has passed (a body trickled a byte at a time, which no gap limit catches).
class BodyPace {
 public:
  BodyPace(std::chrono::milliseconds idle, std::size_t min_rate)
      : idle_(idle), min_rate_(std::max<std::size_t>(min_rate, 1)) {}

  void received(std::size_t bytes) { received_ += bytes; }

  std::chrono::steady_clock::time_point next_deadline() const {
    const auto now = std::chrono::steady_clock::now();
    const auto earned = std::chrono::milliseconds(received_ * 1000 / min_rate_);
    return std::min(now + idle_, start_ + idle_ + earned);
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::milliseconds idle_;
  std::size_t min_rate_;
  std::size_t received_ = 0;
};

template <class Parser>
asio::awaitable<beast::error_code> read_rest(Connection& c, beast::flat_buffer& buffer, Parser& p,
                                             BodyPace& pace) {
  beast::error_code ec;
  while (!p.is_done()) {
    c.stream.expires_at(pace.next_deadline());
    pace.received(
        co_await bhttp::async_read_some(c.stream, buffer, p, asio::redirect_error(kUse, ec)));
    if (ec) break;
  }
  co_return ec;
}

asio::awaitable<BodyRead> read_body(Server::State& st, Connection& c, beast::flat_buffer& buffer,
                                    HeaderParser& hp) {
  BodyRead out;
  if (hp.is_done()) co_return out;
  auto length = hp.content_length();
  if (length && *length > st.max_body) co_return fail(bhttp::error::body_limit);
  auto expect = hp.get()[bhttp::field::expect];
  if (beast::iequals(expect, "100-continue")) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    beast::error_code ec;
    c.stream.expires_after(st.options.write_idle_timeout);
    co_await asio::async_write(c.stream, asio::buffer(kContinue), asio::redirect_error(kUse, ec));
    if (ec) co_return fail(ec);
  }
  BodyPace pace(st.options.body_idle_timeout, st.options.min_body_bytes_per_second);
  if (length && *length <= st.options.spool_threshold_bytes) {
    bhttp::request_parser<bhttp::string_body> p(std::move(hp));
    p.body_limit(st.max_body);
    beast::error_code ec = co_await read_rest(c, buffer, p, pace);
    if (ec) co_return fail(ec);
    out.storage.memory = std::move(p.get().body());
    co_return out;
  }
  // Large or chunked: spool to disk, then map, so 100 photos of 25 MB never sit in RAM. The
  // socket is read here; every disk write is handed to the write lane a chunk at a time.
  std::filesystem::path dir =
      st.options.spool_dir.empty() ? std::filesystem::temp_directory_path() : st.options.spool_dir;
  Result<SpoolWriter> spool =
      co_await run_blocking(*st.writes.pool, [&dir] { return SpoolWriter::create(dir); });
  if (!spool) co_return spool_failure(spool.error());
  bhttp::request_parser<bhttp::buffer_body> p(std::move(hp));
  p.body_limit(st.max_body);
  std::vector<char> chunk(kSpoolChunkBytes);
  while (!p.is_done()) {
    std::size_t filled = 0;
    beast::error_code ec;
    while (!p.is_done() && filled < chunk.size()) {
      p.get().body().data = chunk.data() + filled;
      p.get().body().size = chunk.size() - filled;
      c.stream.expires_at(pace.next_deadline());  // a stalled or trickled body times out
      pace.received(
          co_await bhttp::async_read_some(c.stream, buffer, p, asio::redirect_error(kUse, ec)));
      filled = chunk.size() - p.get().body().size;
      if (ec == bhttp::error::need_buffer) ec = {};  // the chunk is full
      if (ec) co_return fail(ec);
    }
    std::string_view bytes(chunk.data(), filled);
    Result<void> written =
        co_await run_blocking(*st.writes.pool, [&spool, bytes] { return spool->append(bytes); });
    if (!written) co_return spool_failure(written.error());
  }
  Result<MappedFile> mapped =
      co_await run_blocking(*st.writes.pool, [&spool] { return spool->finish(); });
  if (!mapped) co_return spool_failure(mapped.error());
  out.storage.mapped.emplace(std::move(*mapped));
  co_return out;
}

// Fills everything but the body from the header; a reply when the target is malformed.
std::optional<api::Response> fill_request(const HeaderParser::value_type& h, Connection& c,
                                          api::Request& req) {
  req.method = std::string(h.method_string());
  req.target = std::string(h.target());
  req.remote_address = c.remote;
  for (const auto& field : h) {
    req.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    if (field.name() == bhttp::field::cookie) parse_cookies(sv(field.value()), req.cookies);
  }
  auto target = parse_target(sv(h.target()));
  if (!target) {
    return api::error_response(make_error(Errc::invalid_request, "malformed request target"));
  }
  req.path = std::move(target->path);
  req.query = std::move(target->query);
  return std::nullopt;
}

std::optional<api::Response> parse_parts(const Server::State& st, api::Request& req) {
  auto type = req.header("Content-Type");
  if (!type || !is_multipart_form_data(*type)) return std::nullopt;
  req.multipart = true;
  auto boundary = multipart_boundary(*type);
  Result<std::vector<api::Part>> parts =
      boundary ? parse_multipart(req.body, *boundary, {.max_files = st.options.max_files})
               : Result<std::vector<api::Part>>(boundary.error());
  if (parts) {
    req.parts = std::move(*parts);
    return std::nullopt;
  }
  return api::error_response(parts.error());  // 413 for too many files, else 400
}

// After refusing a body: stop sending, swallow a little of what the client still sends so that
// it reads our reply instead of a reset, then close.
asio::awaitable<void> linger_close(Connection& c) {
  beast::error_code ec;
  c.stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  std::array<char, 16384> sink{};
  for (int i = 0; i < 64 && !ec; ++i) {
    c.stream.expires_after(std::chrono::milliseconds(250));
    co_await c.stream.async_read_some(asio::buffer(sink), asio::redirect_error(kUse, ec));
  }
  c.stream.close();
}

void record(Server::State& st, const api::Request& req, const api::Response& res,
            const WriteOutcome& out, double ms) {
  const std::string& route = res.route.empty() ? std::string("unmatched") : res.route;
  spdlog::info("rid={} {} {} status={} route={} bytes={} ms={:.1f} remote={}", req.request_id,
               req.method, req.path, out.status, route, out.bytes, ms, req.remote_address);
  if (st.registry == nullptr) return;
  static const std::array<std::string, 9> kMethods{"GET",     "HEAD",  "POST",    "PUT",  "DELETE",
                                                   "OPTIONS", "PATCH", "CONNECT", "TRACE"};
  std::string method = "other";
  for (const auto& m : kMethods) {
    if (m == req.method) method = m;
  }
  std::string status_class = std::to_string(out.status / 100) + "xx";
  st.registry
      ->counter("findme_http_requests_total",
                "HTTP requests by method, route template and status class.",
                {{"method", method}, {"route", route}, {"status", status_class}})
      .inc();
  st.registry
      ->histogram("findme_http_request_duration_seconds",
                  "HTTP request latency, reading to last byte.", metrics::default_latency_buckets(),
                  {{"method", method}, {"route", route}})
      .observe(ms / 1000.0);
}

// Serves one request whose header is in `hp`. Returns whether the connection may be reused.
asio::awaitable<bool> serve_one(Server::State& st, Connection& c, beast::flat_buffer& buffer,
                                HeaderParser& hp) {
  Stopwatch clock;
  api::Request req;
  req.request_id = new_request_id();
  bool keep_alive = hp.get().keep_alive();
  std::optional<api::Response> reply = fill_request(hp.get(), c, req);
  BodyRead body;
  if (!reply) {
    body = co_await read_body(st, c, buffer, hp);
    if (body.close_silently) {
      spdlog::info("rid={} {} {} abandoned: client stalled or closed while sending the body",
                   req.request_id, req.method, req.path);
      co_return false;
    }
    reply = std::move(body.reply);
  }
  bool body_refused = reply.has_value();  // part of the body may still be unread
  if (!reply) {
    req.body = body.storage.view();
    reply = parse_parts(st, req);
  }
  if (!reply) {
    reply = co_await respond(st, c, req);
  }
  if (body_refused) keep_alive = false;
  keep_alive = keep_alive && !st.stopping;
  // A streamed body (the photos ZIP) is produced on the request's lane, off the I/O threads.
  WriteOutcome out =
      co_await write_response(c, *reply, req, keep_alive, st.options.write_idle_timeout,
                              st.lane_for(req.method).pool.get());
  record(st, req, *reply, out, clock.elapsed_ms());
  if (body_refused && out.ok) {
    co_await linger_close(c);
  }
  co_return out.ok&& keep_alive;
}

// A header that cannot be read: say why when it is our limit or their syntax, then close.
asio::awaitable<void> reject_header(Server::State& st, Connection& c, beast::error_code ec) {
  // 431 is HTTP's own status for this, outside the Errc table (which maps invalid_request to 400).
  api::Response reply =
      ec == bhttp::error::header_limit
          ? api::Response::error(431, "invalid_request", "request headers too large")
      : ec == bhttp::error::body_limit  // Content-Length over the cap: refused before the body
          ? api::error_response(make_error(Errc::payload_too_large,
                                           "request body too large; send fewer or smaller files"))
          : api::error_response(make_error(Errc::invalid_request, "malformed HTTP request"));
  api::Request req;
  req.request_id = new_request_id();
  req.remote_address = c.remote;
  WriteOutcome out = co_await write_response(c, reply, req, false, st.options.write_idle_timeout);
  record(st, req, reply, out, 0);
}

bool silent_error(beast::error_code ec) {
  return ec == beast::error::timeout || ec == bhttp::error::end_of_stream ||
         ec == bhttp::error::partial_message || ec == asio::error::eof ||
         ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
         ec == asio::error::bad_descriptor;
}

}  // namespace

asio::awaitable<void> run_session(Server::State& st, std::shared_ptr<Connection> conn) {
  Connection& c = *conn;
  beast::error_code ec;
  auto endpoint = c.stream.socket().remote_endpoint(ec);
  if (!ec) c.remote = endpoint.address().to_string();
  beast::flat_buffer buffer;
  try {
    while (!st.stopping) {
      c.idle = true;
      HeaderParser hp;
      hp.header_limit(static_cast<std::uint32_t>(st.options.max_header_bytes));
      hp.body_limit(st.max_body);
      // One deadline for the whole header: a client dribbling bytes (slowloris) is cut off.
      c.stream.expires_after(st.options.header_timeout);
      co_await bhttp::async_read_header(c.stream, buffer, hp, asio::redirect_error(kUse, ec));
      c.idle = false;
      if (ec) {
        if (!silent_error(ec)) {
          co_await reject_header(st, c, ec);
        }
        if (ec == bhttp::error::body_limit) {
          co_await linger_close(c);
        }
        break;
      }
      if (!co_await serve_one(st, c, buffer, hp)) break;
    }
  } catch (const std::exception& e) {
    spdlog::error("http: connection {} ended by an exception: {}", c.id, e.what());
  }
  c.stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  c.stream.close();
  st.remove_connection(c.id);
}

}  // namespace findme::http
