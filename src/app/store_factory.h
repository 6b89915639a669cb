// Opens the store that DATABASE_URL names.
#pragma once

#include <memory>

#include "config/settings.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace findme::app {

// `sqlite:PATH` opens (and creates, with its folder) an SQLite database. Errors are one line for
// the terminal. `clock` must outlive the store.
Result<std::unique_ptr<store::Store>> open_store(const config::Settings& settings, Clock& clock);

}  // namespace findme::app
