// Internal to http/: the state a Server shares with its listener and connection coroutines.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>  // before Asio (Boost 1.74)
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "core/mutex.h"
#include "http/blocking_pool.h"
#include "http/server.h"
#include "http/static_files.h"

namespace findme::http {

// One accepted connection. Members other than `id` and `remote` are used only on the
// connection's strand (the stream's executor).
struct Connection : std::enable_shared_from_this<Connection> {
  Connection(boost::asio::ip::tcp::socket socket, std::uint64_t connection_id)
      : stream(std::move(socket)), wait_timer(stream.get_executor()), id(connection_id) {}

  boost::beast::tcp_stream stream;
  boost::asio::steady_timer wait_timer;  // an async wait (api::WaitFor) in progress
  bool idle = true;                      // between requests: may be closed at shutdown
  bool waiting = false;                  // suspended on wait_timer
  const std::uint64_t id;
  std::string remote;
};

// Metrics series that do not depend on the route, looked up once.
struct ServerMetrics {
  metrics::Gauge* connections = nullptr;
  metrics::Gauge* waiting = nullptr;
  metrics::Counter* rejected_connections = nullptr;
  metrics::Counter* refused_requests = nullptr;  // over ServerOptions::max_queue_wait
};

// A blocking pool and its gauges. Reads (GET, HEAD) and writes (everything else: sign-ups and
// log-ins hashing passwords, uploads) run in separate lanes, so that a burst of argon2id or of
// uploads never queues the cheap reads behind it.
struct Lane {
  std::unique_ptr<BlockingPool> pool;
  metrics::Gauge* busy = nullptr;
  metrics::Gauge* queued = nullptr;
};

struct Server::State {
  State(ServerOptions opts, api::Handler& h, Notifier& n, metrics::Registry* r);

  const ServerOptions options;
  const std::size_t max_body;
  api::Handler& handler;
  Notifier& notifier;
  metrics::Registry* registry;
  ServerMetrics metrics;

  // One io_context per I/O thread, each run by its thread alone: a connection lives on one of
  // them (round robin), so its handlers never run concurrently without a strand, and the threads
  // never contend for one scheduler (a fifth of the throughput at 50k requests/s). ios[0] also
  // runs the acceptor.
  std::vector<std::unique_ptr<boost::asio::io_context>> ios;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> io_work;
  std::size_t next_io = 0;  // the accept loop's alone
  std::optional<boost::asio::ip::tcp::acceptor> acceptor;
  std::optional<StaticFiles> static_files;
  Lane reads;
  Lane writes;
  std::vector<std::thread> io_threads;
  std::atomic<std::uint16_t> bound_port{0};
  std::atomic<bool> stopping{false};
  Mutex lifecycle_mu;  // serialises start() and stop()
  bool running FINDME_GUARDED_BY(lifecycle_mu) = false;

  // Live connections, so stop() can reach them.
  Mutex conn_mu;
  std::condition_variable conn_cv;
  std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> connections
      FINDME_GUARDED_BY(conn_mu);
  std::uint64_t next_connection_id FINDME_GUARDED_BY(conn_mu) = 1;

  Lane& lane_for(std::string_view method) {
    return method == "GET" || method == "HEAD" ? reads : writes;
  }

  void add_connection(const std::shared_ptr<Connection>& c);
  void remove_connection(std::uint64_t id);
  std::size_t connection_count();
  // Returns when no connection is left or after `limit`.
  void wait_for_no_connections(std::chrono::steady_clock::duration limit);
  // Runs `fn(conn)` on each live connection's strand.
  void for_each_connection(void (*fn)(Connection&));
};

// The per-connection coroutine (session.cpp): reads requests until the peer closes, a deadline
// passes, a fatal error occurs or the server stops.
boost::asio::awaitable<void> run_session(Server::State& state, std::shared_ptr<Connection> conn);

}  // namespace findme::http
