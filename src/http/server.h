// The HTTP/1.1 server: accepts connections, enforces limits and deadlines, parses bodies
// (spooling large ones to disk), serves the web UI, and runs api::Handler on a blocking pool.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "api/handler.h"
#include "core/limits.h"
#include "core/notifier.h"
#include "core/result.h"
#include "metrics/registry.h"

namespace findme::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;         // 0 picks a free port; Server::port() tells which
  std::size_t io_threads = 0;        // threads running the io_context; 0 = hardware threads
  std::size_t blocking_threads = 0;  // GET/HEAD handler threads; 0 = 2 x hardware threads
  std::size_t write_threads = 0;     // other methods' handler threads; 0 = hardware threads
  std::size_t max_upload_mb = kDefaultMaxUploadMb;  // per file; handlers enforce it per part
  std::size_t max_files = 100;                      // file parts per request; more -> 413
  std::size_t max_request_bytes = 0;  // whole body; 0 = max_upload_mb MiB x max_files + 1 MiB
  std::size_t max_header_bytes = 16 * 1024UL;        // request line + headers; more -> 431
  std::size_t spool_threshold_bytes = 1 << 20;       // larger (or chunked) bodies go to spool_dir
  std::chrono::milliseconds header_timeout{10'000};  // whole header, also keep-alive idle
  std::chrono::milliseconds body_idle_timeout{15'000};  // max gap between body bytes
  // After the first body_idle_timeout, a body must keep arriving at this average rate at least:
  // a client trickling a byte a second (slowloris on the body) is cut off, a phone uploading at
  // a few kB/s on venue Wi-Fi is not.
  std::size_t min_body_bytes_per_second = 1024;
  std::chrono::milliseconds write_idle_timeout{15'000};  // max gap while the client reads
  // Answers queued in a socket and not yet sent (TCP_NOTSENT_LOWAT): a write waits beyond this,
  // so a client that never reads gets a few answers computed, not megabytes. 0 = the kernel's.
  std::size_t max_unsent_bytes = std::size_t{16} * 1024;
  // The next request of a connection is read only once no more than this of its answers is left
  // unread in the socket's send queue (a client that pipelines and never reads), for up to
  // write_idle_timeout, after which the connection is closed.
  std::size_t max_unread_bytes = std::size_t{256} * 1024;
  std::chrono::milliseconds max_wait{30'000};  // cap on a handler's async wait
  std::size_t max_connections = 2048;          // more are answered 503 unavailable and closed
  // Admission control for the write lane (sign-ups, selfies, uploads): a request that would wait
  // longer than this for a handler thread (BlockingPool::expected_wait) is answered at once 503
  // unavailable with Retry-After, so that the accepted ones keep their latency. 0 = never.
  std::chrono::milliseconds max_queue_wait{10'000};
  std::filesystem::path spool_dir;  // empty = std::filesystem::temp_directory_path()
  std::filesystem::path web_dir;    // empty = no static files
  std::chrono::milliseconds shutdown_grace{10'000};  // in-flight requests get this long on stop
};

// Everything that is not under /api, /healthz, /readyz or /metrics and is a GET or HEAD is served
// from web_dir when set; every other request goes to the handler. Responses carry an
// X-Request-Id; errors raised by the server itself use the contract's error body.
//
// Thread-safe: start(), port() and stop() may be called from any thread except the server's own
// (an I/O thread or inside a handler). `handler`, `notifier` and `registry` must outlive the
// Server; `registry` may be null (no metrics).
class Server {
 public:
  Server(ServerOptions options, api::Handler& handler, Notifier& notifier,
         metrics::Registry* registry);
  ~Server();  // stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens, then starts the threads. Errc::unavailable (port taken, bad address) or
  // Errc::internal (spool or web dir unusable), with a message fit for a one-line startup error.
  Result<void> start();

  // The bound port (useful with port 0); 0 before start().
  std::uint16_t port() const;

  // Graceful: stops accepting, closes idle keep-alive connections, ends async waits early (their
  // handlers answer with the current state), lets in-flight requests finish for up to
  // shutdown_grace, then closes what is left and joins every thread. Idempotent; blocks.
  void stop();

  struct State;  // implementation, shared with the connection coroutines

 private:
  std::unique_ptr<State> state_;
};

}  // namespace findme::http
