#include "store/sqlite/connection.h"

#include <bit>
#include <cstring>
#include <string>

namespace findme::store::sqlite {
namespace {

static_assert(std::endian::native == std::endian::little,
              "embeddings are stored as little-endian float BLOBs");
constexpr int kEmbeddingBytes = static_cast<int>(sizeof(FaceVector));

bool is_transient(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PROTOCOL:
      return true;
    default:
      return false;
  }
}

}  // namespace

Error sqlite_error(int rc, std::string_view what) {
  std::string message = "database error while ";
  message += what;
  message += " (";
  message += sqlite3_errstr(rc);
  message += ")";
  if (is_transient(rc)) {
    message += "; try again later";
    return make_error(Errc::unavailable, std::move(message));
  }
  return make_error(Errc::internal, std::move(message));
}

Statement::~Statement() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

void Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, static_cast<sqlite3_int64>(value));
}
void Statement::bind(int index, double value) { sqlite3_bind_double(stmt_, index, value); }
void Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}
void Statement::bind(int index, std::nullptr_t) { sqlite3_bind_null(stmt_, index); }
void Statement::bind(int index, const std::optional<Timestamp>& t) {
  if (t) {
    bind(index, *t);
  } else {
    bind(index, nullptr);
  }
}
void Statement::bind(int index, const FaceVector& embedding) {
  sqlite3_bind_blob(stmt_, index, embedding.data(), kEmbeddingBytes, SQLITE_TRANSIENT);
}

Result<bool> Statement::step() {
  last_rc_ = sqlite3_step(stmt_);
  if (last_rc_ == SQLITE_ROW) return true;
  if (last_rc_ == SQLITE_DONE) return false;
  last_rc_ = sqlite3_extended_errcode(sqlite3_db_handle(stmt_));
  return sqlite_error(last_rc_, "running a statement");
}

Result<void> Statement::run() {
  while (true) {
    Result<bool> row = step();
    if (!row) return row.error();
    if (!*row) return {};
  }
}

bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
std::int64_t Statement::int64(int col) const {
  return static_cast<std::int64_t>(sqlite3_column_int64(stmt_, col));
}
int Statement::int32(int col) const { return sqlite3_column_int(stmt_, col); }
double Statement::real(int col) const { return sqlite3_column_double(stmt_, col); }
std::string Statement::text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}
std::optional<Timestamp> Statement::optional_time(int col) const {
  if (is_null(col)) return std::nullopt;
  return time(col);
}
bool Statement::embedding(int col, FaceVector& out) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  if (p == nullptr || sqlite3_column_bytes(stmt_, col) != kEmbeddingBytes) return false;
  std::memcpy(out.data(), p, sizeof(FaceVector));
  return true;
}

Result<std::unique_ptr<Connection>> Connection::open(const ConnectionOptions& options) {
  sqlite3* db = nullptr;
  // NOMUTEX: each connection is used by one thread at a time, so SQLite's own locking is waste.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(options.path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    if (db != nullptr) sqlite3_close_v2(db);
    return sqlite_error(rc, "opening the database");
  }
  sqlite3_extended_result_codes(db, 1);
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_busy_timeout(db, static_cast<int>(options.busy_timeout.count()));
  // FULL: in WAL mode NORMAL may lose the last commits on power loss, and an upload is only
  // acknowledged once its row is durable.
  Result<void> pragmas =
      conn->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
  if (!pragmas) return pragmas.error();
  return conn;
}

Connection::~Connection() {
  cache_.clear();  // statements must be finalized before the connection closes
  sqlite3_close_v2(db_);
}

Result<Statement> Connection::prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(sqlite3_extended_errcode(db_), "preparing a query");
    it = cache_.emplace(sql, stmt).first;
  }
  return Statement(it->second.get());
}

Result<void> Connection::exec(const char* sql) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(sqlite3_extended_errcode(db_), "running a script");
  return {};
}

std::int64_t Connection::changes() const { return sqlite3_changes64(db_); }
std::int64_t Connection::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }

}  // namespace findme::store::sqlite
