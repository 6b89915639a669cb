// Versioned schema migrations for the SQLite backend, compiled into the binary.
#pragma once

#include "core/result.h"
#include "store/sqlite/connection.h"

namespace findme::store::sqlite {

// The schema version this build writes.
int latest_schema_version();

// Brings the database up to latest_schema_version(), each migration in its own IMMEDIATE
// transaction together with its schema_version row, so a crash mid-way leaves a whole version.
// Errc::internal when the database is newer than this build (downgrades are refused).
// `up_to` stops at an older version (tests of a migration on the rows of the version before).
// Not thread-safe: run once at open, before the connection is shared.
Result<void> migrate(Connection& conn, int up_to = latest_schema_version());

}  // namespace findme::store::sqlite
