// clang-format off
#include "http/asio_config.h"  // before every other header: see there
// clang-format on
#include "http/server.h"

#include <algorithm>
#include <system_error>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/write.hpp>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include "http/server_state.h"

namespace findme::http {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

std::size_t hardware_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

std::size_t body_cap(const ServerOptions& o) {
  if (o.max_request_bytes != 0) return o.max_request_bytes;
  return o.max_upload_mb * o.max_files * (std::size_t{1} << 20) + (std::size_t{1} << 20);
}

ServerMetrics make_metrics(metrics::Registry* r) {
  ServerMetrics m;
  if (r == nullptr) return m;
  m.connections = &r->gauge("findme_http_connections", "Open client connections.");
  m.waiting =
      &r->gauge("findme_http_waiting_requests", "Requests held in an async wait (?wait=N).");
  m.rejected_connections = &r->counter("findme_http_rejected_connections_total",
                                       "Connections refused because max_connections was reached.");
  m.refused_requests =
      &r->counter("findme_http_refused_requests_total",
                  "Write requests answered 503 at once because they would have waited longer than "
                  "MAX_QUEUE_WAIT_S for a handler thread.");
  return m;
}

void start_lane(Lane& lane, std::size_t threads, const std::string& name, metrics::Registry* r) {
  lane.pool = std::make_unique<BlockingPool>(threads);
  if (r == nullptr) return;
  lane.busy = &r->gauge("findme_http_blocking_pool_busy",
                        "Handler pool threads running a request, per lane (read or write).",
                        {{"pool", name}});
  lane.queued = &r->gauge("findme_http_blocking_pool_queued",
                          "Requests waiting for a handler thread, per lane (read or write).",
                          {{"pool", name}});
}

// Over the connection cap: answer 503 at once and close, so the client learns why.
asio::awaitable<void> reject_connection(tcp::socket socket) {
  static const std::string kBusy = [] {
    std::string body =
        api::Response::error(503, "unavailable", "too many connections; retry in a second").body;
    return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
           "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }();
  boost::system::error_code ec;
  co_await asio::async_write(socket, asio::buffer(kBusy),
                             asio::redirect_error(asio::use_awaitable, ec));
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

asio::awaitable<void> accept_loop(Server::State& st) {
  for (;;) {
    asio::io_context& home = *st.ios[st.next_io++ % st.ios.size()];
    tcp::socket socket(home);
    boost::system::error_code ec;
    co_await st.acceptor->async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (st.stopping || ec == asio::error::operation_aborted) co_return;
      spdlog::warn("http: accept failed: {}", ec.message());
      // Out of descriptors: back off instead of spinning.
      asio::steady_timer pause(st.acceptor->get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    // Responses are written in pieces (headers, then 4 KiB file chunks): without TCP_NODELAY,
    // Nagle holds the last partial segment until the client's delayed ACK, ~40 ms per response.
    socket.set_option(tcp::no_delay(true), ec);
    // A client that pipelines requests and never reads would otherwise have answers computed and
    // queued until the kernel's send buffer (autotuned to megabytes) is full, work shared with
    // everyone. With this, a write waits once max_unsent_bytes are queued unsent, and
    // write_idle_timeout ends the connection; data in flight is not counted, so downloads keep
    // their speed.
    if (st.options.max_unsent_bytes) {
      const int lowat = static_cast<int>(st.options.max_unsent_bytes);
      ::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat, sizeof lowat);
    }
    if (st.connection_count() >= st.options.max_connections) {
      if (st.metrics.rejected_connections) st.metrics.rejected_connections->inc();
      auto ex = socket.get_executor();
      asio::co_spawn(ex, reject_connection(std::move(socket)), asio::detached);
      continue;
    }
    std::uint64_t id;
    {
      MutexLock lock(st.conn_mu);
      id = st.next_connection_id++;
    }
    auto conn = std::make_shared<Connection>(std::move(socket), id);
    st.add_connection(conn);
    auto ex = conn->stream.get_executor();
    asio::co_spawn(ex, run_session(st, std::move(conn)), asio::detached);
  }
}

}  // namespace

Server::State::State(ServerOptions opts, api::Handler& h, Notifier& n, metrics::Registry* r)
    : options(std::move(opts)),
      max_body(body_cap(options)),
      handler(h),
      notifier(n),
      registry(r),
      metrics(make_metrics(r)) {}

void Server::State::add_connection(const std::shared_ptr<Connection>& c) {
  MutexLock lock(conn_mu);
  connections.emplace(c->id, c);
  if (metrics.connections) metrics.connections->add(1);
}

void Server::State::remove_connection(std::uint64_t id) {
  {
    MutexLock lock(conn_mu);
    connections.erase(id);
    if (metrics.connections) metrics.connections->add(-1);
  }
  conn_cv.notify_all();
}

std::size_t Server::State::connection_count() {
  MutexLock lock(conn_mu);
  return connections.size();
}

void Server::State::wait_for_no_connections(std::chrono::steady_clock::duration limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  MutexLock lock(conn_mu);
  while (!connections.empty()) {
    if (lock.wait_until(conn_cv, deadline) == std::cv_status::timeout) return;
  }
}

void Server::State::for_each_connection(void (*fn)(Connection&)) {
  MutexLock lock(conn_mu);
  for (auto& [id, weak] : connections) {
    if (auto c = weak.lock()) {
      asio::post(c->stream.get_executor(), [c, fn] { fn(*c); });
    }
  }
}

Server::Server(ServerOptions options, api::Handler& handler, Notifier& notifier,
               metrics::Registry* registry)
    : state_(std::make_unique<State>(std::move(options), handler, notifier, registry)) {}

Server::~Server() { stop(); }

std::uint16_t Server::port() const { return state_->bound_port.load(); }

Result<void> Server::start() {
  State& st = *state_;
  MutexLock lock(st.lifecycle_mu);
  if (st.running) return make_error(Errc::internal, "server already started");
  const ServerOptions& o = st.options;
  std::error_code fs_ec;
  if (!o.spool_dir.empty() && !std::filesystem::is_directory(o.spool_dir, fs_ec)) {
    return make_error(Errc::internal, "spool dir is not a directory: " + o.spool_dir.string());
  }
  if (!o.web_dir.empty()) {
    if (!std::filesystem::is_directory(o.web_dir, fs_ec)) {
      return make_error(Errc::internal, "web dir is not a directory: " + o.web_dir.string());
    }
    st.static_files.emplace(o.web_dir);
  }
  boost::system::error_code ec;
  auto address = asio::ip::make_address(o.host, ec);
  if (ec) return make_error(Errc::unavailable, "invalid listen address '" + o.host + "'");
  tcp::endpoint endpoint(address, o.port);
  const std::size_t n = o.io_threads ? o.io_threads : hardware_threads();
  st.ios.clear();
  st.io_work.clear();
  for (std::size_t i = 0; i < n; ++i) {
    st.ios.push_back(std::make_unique<asio::io_context>(1));
    st.io_work.push_back(asio::make_work_guard(*st.ios.back()));
  }
  tcp::acceptor acceptor(*st.ios.front());
  if (acceptor.open(endpoint.protocol(), ec); !ec) {
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    acceptor.bind(endpoint, ec);
  }
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error(Errc::unavailable, "cannot listen on " + o.host + ":" +
                                             std::to_string(o.port) + ": " + ec.message());
  }
  st.bound_port = acceptor.local_endpoint().port();
  st.acceptor.emplace(std::move(acceptor));
  start_lane(st.reads, o.blocking_threads ? o.blocking_threads : 2 * hardware_threads(), "read",
             st.registry);
  start_lane(st.writes, o.write_threads ? o.write_threads : hardware_threads(), "write",
             st.registry);
  asio::co_spawn(st.acceptor->get_executor(), accept_loop(st), asio::detached);
  for (auto& io : st.ios) st.io_threads.emplace_back([&io = *io] { io.run(); });
  st.running = true;
  spdlog::info("http: listening on {}:{} ({} I/O threads, {} read and {} write handler threads)",
               o.host, st.bound_port.load(), n, st.reads.pool->threads(),
               st.writes.pool->threads());
  return {};
}

void Server::stop() {
  State& st = *state_;
  MutexLock lock(st.lifecycle_mu);
  if (!st.running) return;
  st.running = false;
  st.stopping = true;
  asio::post(st.acceptor->get_executor(), [&st] {
    boost::system::error_code ec;
    st.acceptor->close(ec);
  });
  // Idle keep-alive connections close now; async waits end now and answer with current state.
  st.for_each_connection([](Connection& c) {
    if (c.idle) c.stream.close();
    if (c.waiting) c.wait_timer.cancel();
  });
  st.wait_for_no_connections(st.options.shutdown_grace);
  if (std::size_t left = st.connection_count(); left > 0) {
    spdlog::warn("http: closing {} connections still busy after the shutdown grace period", left);
    st.for_each_connection([](Connection& c) { c.stream.close(); });
    st.wait_for_no_connections(std::chrono::seconds(1));
  }
  st.io_work.clear();
  for (auto& io : st.ios) io->stop();
  for (auto& t : st.io_threads) t.join();
  st.io_threads.clear();
  st.reads.pool.reset();  // runs what is queued; their completions stay queued on the stopped io
  st.writes.pool.reset();
  spdlog::info("http: stopped");
}

}  // namespace findme::http
