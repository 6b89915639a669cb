// clang-format off
#include "http/asio_config.h"  // before every other header: see there
// clang-format on
#include "http/dispatch.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "api/errors.h"

namespace findme::http {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::int64_t kMaxRetryAfterSeconds = 60;

api::Response internal_error() {
  return api::error_response(
      make_error(Errc::internal, "the server failed to handle this request; try again later"));
}

// The write lane's admission control: the answer when a request would wait longer than
// max_queue_wait for a handler thread, else nothing. Retry-After is the expected wait, so that
// a client coming back then finds the queue worked off.
std::optional<api::Response> refusal(Server::State& st, const Lane& lane) {
  if (&lane != &st.writes || st.options.max_queue_wait.count() <= 0) return std::nullopt;
  const std::chrono::nanoseconds wait = lane.pool->expected_wait();
  if (wait <= st.options.max_queue_wait) return std::nullopt;
  if (st.metrics.refused_requests) st.metrics.refused_requests->inc();
  const auto seconds = std::clamp<std::int64_t>(
      std::chrono::ceil<std::chrono::seconds>(wait).count(), 1, kMaxRetryAfterSeconds);
  const std::string after = std::to_string(seconds);
  return api::Response::error(503, "unavailable",
                              "the server is busy: about " + after +
                                  " s of requests are waiting ahead of this one; try again in " +
                                  after + " s")
      .set_header("Retry-After", after)
      .with_route("refused");
}

// Runs the handler in its lane's blocking pool, keeping the lane's gauges current.
asio::awaitable<api::Response> call_handler(Server::State& st, const api::Request& req) {
  Lane& lane = st.lane_for(req.method);
  if (std::optional<api::Response> refused = refusal(st, lane)) co_return std::move(*refused);
  if (lane.queued) lane.queued->add(1);
  auto run = [&st, &req, &lane]() -> api::Response {
    if (lane.queued) lane.queued->add(-1);
    if (lane.busy) lane.busy->add(1);
    struct Done {
      metrics::Gauge* busy;
      ~Done() {
        if (busy) busy->add(-1);
      }
    } done{lane.busy};
    return st.handler.handle(req);
  };
  std::string failure;
  try {
    co_return co_await run_blocking(*lane.pool, run);
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "unknown exception";
  }
  spdlog::error("rid={} handler threw: {}", req.request_id, failure);
  co_return internal_error();
}

// Suspends until `key` is notified after `epoch`, the deadline passes or the server stops.
// Returns true when the wait should end for good (deadline or shutdown).
asio::awaitable<bool> wait_for_key(Server::State& st, Connection& c, const std::string& key,
                                   std::uint64_t epoch, Clock::time_point deadline) {
  c.wait_timer.expires_at(deadline);
  std::weak_ptr<Connection> weak = c.weak_from_this();
  auto executor = c.stream.get_executor();
  Notifier::Subscription sub = st.notifier.subscribe(key, epoch, [weak, executor] {
    // Runs on the notifying thread: hop to the connection's strand to touch its timer. A cancel
    // that arrives late at worst wakes a later wait spuriously; the handler then waits again.
    asio::post(executor, [weak] {
      if (auto conn = weak.lock()) conn->wait_timer.cancel();
    });
  });
  if (st.metrics.waiting) st.metrics.waiting->add(1);
  c.waiting = true;
  boost::system::error_code ec;
  co_await c.wait_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  c.waiting = false;
  if (st.metrics.waiting) st.metrics.waiting->add(-1);
  sub.reset();
  co_return !ec || st.stopping || Clock::now() >= deadline;
}

}  // namespace

bool is_handler_path(std::string_view path) {
  return path == "/api" || path.starts_with("/api/") || path == "/healthz" || path == "/readyz" ||
         path == "/metrics" || path == "/aws" || path == "/aws/";
}

asio::awaitable<api::Response> respond(Server::State& st, Connection& c, api::Request& req) {
  bool get = req.method == "GET" || req.method == "HEAD";
  if (get && req.path == "/healthz") {
    // Liveness touches nothing that blocks: answered on the I/O thread, without the hop to a
    // handler thread, so that it stays fast while every handler thread is busy (issue #14).
    co_return api::Response::json(200, {{"status", "ok"}}).with_route("/healthz");
  }
  if (get && is_handler_path(req.path)) {
    // What the handler holds in memory (the public view of an event) needs no handler thread.
    if (auto held = st.handler.handle_from_memory(req)) co_return std::move(*held);
  }
  if (st.static_files && get && !is_handler_path(req.path)) {
    const StaticFiles& files = *st.static_files;
    // The web app's files are in memory: answered here, like /healthz.
    if (auto held = files.from_memory(req.path, req.header("If-None-Match"))) {
      co_return std::move(*held);
    }
    // Other lookups stat the disk, so they run off the I/O threads.
    auto found = co_await run_blocking(*st.reads.pool, [&] { return files.lookup(req.path); });
    if (found) co_return std::move(*found);
    co_return api::error_response(make_error(Errc::not_found, "not found")).with_route("static");
  }
  for (;;) {
    // Read the epoch before the handler looks at the state it may wait on: a notify in between
    // then fires the subscription at once instead of being lost.
    std::uint64_t epoch = st.notifier.epoch();
    api::Response res = co_await call_handler(st, req);
    if (!res.wait) co_return res;
    if (req.wait_expired) {
      spdlog::error("rid={} handler asked to wait again after its deadline", req.request_id);
      co_return internal_error();
    }
    Clock::time_point deadline = std::min(res.wait->deadline, Clock::now() + st.options.max_wait);
    if (!req.wait_deadline) req.wait_deadline = deadline;
    deadline = std::min(deadline, *req.wait_deadline);
    if (st.stopping || Clock::now() >= deadline) {
      req.wait_expired = true;
      continue;
    }
    req.wait_expired = co_await wait_for_key(st, c, res.wait->key, epoch, deadline);
  }
}

}  // namespace findme::http
