#include "app/store_factory.h"

#include <filesystem>

#include <spdlog/spdlog.h>

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace findme::app {
namespace {

bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

Result<std::unique_ptr<store::Store>> open_sqlite(const std::string& url, Clock& clock,
                                                  store::JobEventCallbacks job_events) {
  const std::filesystem::path path = url.substr(std::string_view("sqlite:").size());
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  Result<std::unique_ptr<store::sqlite::SqliteStore>> store =
      store::sqlite::SqliteStore::open({.path = path.string()}, clock);
  if (!store) {
    return Error{store.error().code, "database " + path.string() + ": " + store.error().message};
  }
  if (job_events.queued || job_events.ended) {
    if (Result<void> r = (*store)->listen_for_job_events(std::move(job_events)); !r) {
      spdlog::warn(
          "jobs queued or ended by other processes are found by polling, a little "
          "later, not at once: {}",
          r.error().message);
    }
  }
  return std::unique_ptr<store::Store>(std::move(*store));
}

void export_pool_metrics(store::postgres::PostgresStore& store, metrics::Registry& registry) {
  using Stats = store::postgres::PoolStats;
  auto gauge = [&](std::string_view name, std::string_view help, auto read) {
    registry.callback_gauge(
        name, help, {}, [&store, read] { return static_cast<double>(read(store.pool_stats())); });
  };
  gauge("findme_db_pool_in_use", "Database connections lent out right now",
        [](const Stats& s) { return s.in_use; });
  gauge("findme_db_pool_idle", "Open database connections waiting in the pool",
        [](const Stats& s) { return s.idle; });
  gauge("findme_db_pool_waiting", "Callers waiting for a database connection right now",
        [](const Stats& s) { return s.waiting; });
  gauge("findme_db_pool_waits_total", "Connection requests that had to wait (since start)",
        [](const Stats& s) { return s.waits; });
  gauge("findme_db_pool_timeouts_total",
        "Connection requests that gave up waiting and failed with unavailable (since start)",
        [](const Stats& s) { return s.timeouts; });
  gauge("findme_db_pool_connects_total", "Database connections opened (since start)",
        [](const Stats& s) { return s.connects; });
  gauge("findme_db_pool_connect_failures_total", "Failed attempts to connect (since start)",
        [](const Stats& s) { return s.connect_failures; });
  gauge("findme_db_pool_broken_total", "Connections dropped as broken (since start)",
        [](const Stats& s) { return s.broken; });
}

Result<std::unique_ptr<store::Store>> open_postgres(const config::Settings& s, Clock& clock,
                                                    metrics::Registry* registry,
                                                    store::JobEventCallbacks job_events) {
  store::postgres::PostgresOptions options;
  options.pool.url = s.database_url;
  options.pool.size = s.db_pool_size;
  options.pool.max_overflow = s.db_max_overflow;
  Result<std::unique_ptr<store::postgres::PostgresStore>> store =
      store::postgres::PostgresStore::open(options, clock);
  if (!store) {
    // The URL may carry a password, so the message names only the kind of database.
    return Error{store.error().code,
                 "PostgreSQL database (DATABASE_URL): " + store.error().message};
  }
  if (registry != nullptr) export_pool_metrics(**store, *registry);
  if (job_events.queued || job_events.ended) (*store)->listen_for_job_events(std::move(job_events));
  return std::unique_ptr<store::Store>(std::move(*store));
}

}  // namespace

Result<std::unique_ptr<store::Store>> open_store(const config::Settings& s, Clock& clock,
                                                 metrics::Registry* registry,
                                                 store::JobEventCallbacks job_events) {
  if (starts_with(s.database_url, "sqlite:")) {
    return open_sqlite(s.database_url, clock, std::move(job_events));
  }
  if (starts_with(s.database_url, "postgresql://") || starts_with(s.database_url, "postgres://")) {
    return open_postgres(s, clock, registry, std::move(job_events));
  }
  return make_error(Errc::invalid_request,
                    "DATABASE_URL: expected sqlite:PATH or postgresql://USER@HOST:PORT/DATABASE");
}

}  // namespace findme::app
