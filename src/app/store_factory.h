// Opens the store that DATABASE_URL names.
#pragma once

#include <memory>

#include "config/settings.h"
#include "core/clock.h"
#include "core/result.h"
#include "metrics/registry.h"
#include "store/job_events.h"
#include "store/store.h"

namespace findme::app {

// `sqlite:PATH` opens (and creates, with its folder) an SQLite database; `postgresql://...` (or
// `postgres://...`) connects to PostgreSQL with a pool of DB_POOL_SIZE + DB_MAX_OVERFLOW
// connections and migrates it. With `registry`, the PostgreSQL pool's use is exported as
// findme_db_pool_* gauges; the registry must not render after the store is destroyed. With
// `job_events`, the store reports jobs queued or changed by any process sharing the database,
// until it is destroyed: PostgreSQL with LISTEN/NOTIFY, SQLite with files beside the database
// that inotify watches.
// Errors are one line for the terminal, without the password. `clock` must outlive the store.
Result<std::unique_ptr<store::Store>> open_store(const config::Settings& settings, Clock& clock,
                                                 metrics::Registry* registry = nullptr,
                                                 store::JobEventCallbacks job_events = {});

}  // namespace findme::app
