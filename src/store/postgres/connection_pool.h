// A bounded pool of libpqxx connections to one PostgreSQL database: `size` steady connections,
// up to `max_overflow` more under bursts (closed again when returned), a bounded wait for a free
// one, and broken connections dropped instead of being handed out again.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include <pqxx/pqxx>  // the whole library: 6.4's headers are not self-contained

#include "core/mutex.h"
#include "core/result.h"

namespace findme::store::postgres {

struct PoolOptions {
  std::string url;       // libpq connection URI, e.g. postgresql://user@host:5432/findme
  int size = 4;          // connections kept open (DB_POOL_SIZE)
  int max_overflow = 4;  // extra connections opened under bursts (DB_MAX_OVERFLOW)
  // How long acquire() waits for a free connection before Errc::unavailable.
  std::chrono::milliseconds acquire_timeout{3000};
  // libpq connect_timeout (whole seconds): a server that does not answer fails fast. The pool
  // also sets TCP timeouts (connection_pool.cpp), so a vanished server fails statements too.
  int connect_timeout_seconds = 3;
  // After a failed connect, acquire() fails at once for this long instead of trying again, so an
  // outage costs callers no time and the database no connection storm.
  std::chrono::milliseconds reconnect_backoff{250};
};

// A snapshot of the pool for /metrics.
struct PoolStats {
  int in_use = 0;
  int idle = 0;
  int waiting = 0;            // callers blocked in acquire() right now
  std::int64_t waits = 0;     // acquire() calls that had to wait (total)
  std::int64_t timeouts = 0;  // acquire() calls that gave up (total)
  std::int64_t connects = 0;  // connections opened (total)
  std::int64_t connect_failures = 0;
  std::int64_t broken = 0;  // connections dropped as broken (total)
};

// One open connection with the names of the statements already prepared on it.
// Not thread-safe: a Lease holder uses it alone.
struct PooledConnection {
  explicit PooledConnection(const std::string& url) : conn(url) {}
  pqxx::connection conn;
  std::unordered_set<const char*> prepared;  // keyed by the SQL string's address
};

class ConnectionPool;

// Exclusive use of one connection; returns it to the pool when destroyed. Call discard() when the
// connection failed so that it is closed instead of reused. Must not outlive the pool.
class Lease {
 public:
  Lease(ConnectionPool* pool, std::unique_ptr<PooledConnection> conn)
      : pool_(pool), conn_(std::move(conn)) {}
  Lease(Lease&& other) noexcept = default;
  Lease& operator=(Lease&&) = delete;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ~Lease();

  PooledConnection& operator*() { return *conn_; }
  PooledConnection* operator->() { return conn_.get(); }
  void discard() { broken_ = true; }

 private:
  ConnectionPool* pool_;
  std::unique_ptr<PooledConnection> conn_;
  bool broken_ = false;
};

// Thread-safe.
class ConnectionPool {
 public:
  explicit ConnectionPool(PoolOptions options);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;
  ~ConnectionPool();

  // An idle connection, else a new one while fewer than size + max_overflow are open, else waits
  // up to acquire_timeout. Errc::unavailable when the wait times out or the server cannot be
  // reached (the message names neither the URL nor the password).
  Result<Lease> acquire();
  // Closes every idle connection: after a broken one, the others from the same server are
  // likely broken too (it restarted), and each would cost a failed request to find out.
  void drop_idle();

  PoolStats stats() const;
  const PoolOptions& options() const { return options_; }
  // The URL connections are opened with (options().url plus the timeouts).
  const std::string& connect_url() const { return connect_url_; }

 private:
  friend class Lease;
  void release(std::unique_ptr<PooledConnection> conn, bool broken);
  Result<std::unique_ptr<PooledConnection>> connect();

  PoolOptions options_;
  std::string connect_url_;  // url with connect_timeout
  mutable Mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PooledConnection>> idle_ FINDME_GUARDED_BY(mu_);
  int open_ FINDME_GUARDED_BY(mu_) = 0;
  PoolStats stats_ FINDME_GUARDED_BY(mu_);  // in_use and idle are derived when read
  std::chrono::steady_clock::time_point connect_failed_at_ FINDME_GUARDED_BY(mu_){};
};

}  // namespace findme::store::postgres
