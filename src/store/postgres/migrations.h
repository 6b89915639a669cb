// Versioned schema migrations for the PostgreSQL backend, compiled into the binary.
#pragma once

#include <pqxx/pqxx>  // the whole library: 6.4's headers are not self-contained

#include "core/result.h"

namespace findme::store::postgres {

// The schema version this build writes (the same numbering as the SQLite backend).
int latest_schema_version();

// Brings the database up to latest_schema_version() in one transaction under a transaction-level
// advisory lock, so processes starting together apply each migration exactly once.
// Errc::internal when the database is newer than this build (downgrades are refused).
// Throws pqxx exceptions on database errors (the caller maps them).
// `up_to` stops at an older version (tests of a migration on the rows of the version before).
Result<void> migrate(pqxx::connection& conn, int up_to = latest_schema_version());

}  // namespace findme::store::postgres
