#include "store/postgres/connection_pool.h"

#include <utility>

#include <pqxx/pqxx>  // the whole library: 6.4's headers are not self-contained

namespace findme::store::postgres {
namespace {

// libpq reads these from the URI's query; a URL that sets one keeps its own value.
// connect_timeout: a server that does not answer fails the connect. tcp_user_timeout and the
// keepalives: a server that vanished without closing the connection (network partition, host
// down) fails the statement after ~10-25 s instead of the kernel's two hours.
std::string with_timeouts(std::string url, int connect_seconds) {
  const std::pair<const char*, std::string> defaults[] = {
      {"connect_timeout", std::to_string(connect_seconds)},
      {"tcp_user_timeout", "10000"},
      {"keepalives_idle", "10"},
      {"keepalives_interval", "5"},
      {"keepalives_count", "3"},
  };
  for (const auto& [key, value] : defaults) {
    if (url.find(std::string(key) + "=") != std::string::npos) continue;
    url += url.find('?') == std::string::npos ? '?' : '&';
    url += std::string(key) + "=" + value;
  }
  return url;
}

Error unreachable() {
  return make_error(Errc::unavailable, "the database is not reachable; try again later");
}

}  // namespace

Lease::~Lease() {
  if (pool_ != nullptr && conn_) pool_->release(std::move(conn_), broken_);
}

ConnectionPool::ConnectionPool(PoolOptions options)
    : options_(std::move(options)),
      connect_url_(with_timeouts(options_.url, options_.connect_timeout_seconds)) {}

ConnectionPool::~ConnectionPool() {
  MutexLock lock(mu_);
  idle_.clear();
}

Result<std::unique_ptr<PooledConnection>> ConnectionPool::connect() {
  try {
    auto conn = std::make_unique<PooledConnection>(connect_url_);
    MutexLock lock(mu_);
    ++stats_.connects;
    return conn;
  } catch (const std::exception&) {
    // pqxx::broken_connection for refused or timed-out connects; its text may hold the host,
    // so it is not passed on.
    MutexLock lock(mu_);
    ++stats_.connect_failures;
    connect_failed_at_ = std::chrono::steady_clock::now();
    return unreachable();
  }
}

Result<Lease> ConnectionPool::acquire() {
  const int limit = options_.size + options_.max_overflow;
  const auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
  MutexLock lock(mu_);
  bool counted_wait = false;
  while (idle_.empty() && open_ >= limit) {
    if (!counted_wait) {
      ++stats_.waits;
      counted_wait = true;
    }
    ++stats_.waiting;
    const std::cv_status woke = lock.wait_until(cv_, deadline);
    --stats_.waiting;
    if (woke == std::cv_status::timeout && idle_.empty() && open_ >= limit) {
      ++stats_.timeouts;
      return make_error(Errc::unavailable,
                        "every database connection is busy; try again in a moment");
    }
  }
  if (!idle_.empty()) {
    std::unique_ptr<PooledConnection> conn = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(conn));
  }
  if (std::chrono::steady_clock::now() - connect_failed_at_ < options_.reconnect_backoff) {
    return unreachable();
  }
  ++open_;
  lock.unlock();
  Result<std::unique_ptr<PooledConnection>> conn = connect();
  if (!conn) {
    lock.lock();
    --open_;
    cv_.notify_one();
    return conn.error();
  }
  return Lease(this, std::move(*conn));
}

void ConnectionPool::release(std::unique_ptr<PooledConnection> conn, bool broken) {
  std::unique_ptr<PooledConnection> closing;  // closed outside the lock (a network round trip)
  {
    MutexLock lock(mu_);
    if (broken || !conn->conn.is_open()) {
      ++stats_.broken;
      --open_;
      closing = std::move(conn);
    } else if (static_cast<int>(idle_.size()) >= options_.size) {
      --open_;  // an overflow connection: the burst is over
      closing = std::move(conn);
    } else {
      idle_.push_back(std::move(conn));
    }
  }
  cv_.notify_one();
}

void ConnectionPool::drop_idle() {
  std::vector<std::unique_ptr<PooledConnection>> closing;
  {
    MutexLock lock(mu_);
    closing.swap(idle_);
    open_ -= static_cast<int>(closing.size());
    stats_.broken += static_cast<std::int64_t>(closing.size());
  }
  cv_.notify_all();
}

PoolStats ConnectionPool::stats() const {
  MutexLock lock(mu_);
  PoolStats s = stats_;
  s.idle = static_cast<int>(idle_.size());
  s.in_use = open_ - s.idle;
  return s;
}

}  // namespace findme::store::postgres
