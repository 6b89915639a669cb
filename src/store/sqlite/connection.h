// A thin RAII layer over one sqlite3 connection: prepared-statement cache, typed binding and
// column reads, and the mapping of SQLite result codes to findme errors.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <sqlite3.h>

#include "core/entities.h"
#include "core/result.h"

namespace findme::store::sqlite {

// The error for a failed SQLite call: Errc::unavailable for busy/locked/full/I/O/open failures
// (retrying later may help), Errc::internal otherwise. The message names the SQLite result code,
// never SQL text or file paths.
Error sqlite_error(int rc, std::string_view what);

// A prepared statement borrowed from a Connection's cache. Resets and clears its bindings when
// destroyed, so the next user finds it fresh. Parameters are 1-based, columns 0-based.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  void bind(int index, std::int64_t value);
  void bind(int index, int value) { bind(index, static_cast<std::int64_t>(value)); }
  void bind(int index, bool value) { bind(index, static_cast<std::int64_t>(value ? 1 : 0)); }
  void bind(int index, double value);
  void bind(int index, float value) { bind(index, static_cast<double>(value)); }
  void bind(int index, std::string_view text);
  void bind(int index, const std::string& text) { bind(index, std::string_view(text)); }
  void bind(int index, const char* text) { bind(index, std::string_view(text)); }
  void bind(int index, std::nullptr_t);
  void bind(int index, Timestamp t) { bind(index, to_unix_ms(t)); }
  void bind(int index, const std::optional<Timestamp>& t);
  void bind(int index, const FaceVector& embedding);
  // Id 0 ("none") binds NULL.
  template <class Tag>
  void bind(int index, Id<Tag> id) {
    if (id.value == 0) {
      bind(index, nullptr);
    } else {
      bind(index, id.value);
    }
  }

  // Binds every argument in order, starting at parameter 1.
  template <class... Args>
  Statement& bind_all(const Args&... args) {
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  // True when a row is available, false when done.
  Result<bool> step();
  // Steps to completion, ignoring rows.
  Result<void> run();
  // The extended result code of the last step (e.g. SQLITE_CONSTRAINT_UNIQUE).
  int last_rc() const { return last_rc_; }

  bool is_null(int col) const;
  std::int64_t int64(int col) const;
  int int32(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  Timestamp time(int col) const { return timestamp_from_ms(int64(col)); }
  std::optional<Timestamp> optional_time(int col) const;
  // False when the column is NULL or not exactly one embedding long.
  bool embedding(int col, FaceVector& out) const;
  template <class IdT>
  IdT id(int col) const {
    return IdT{is_null(col) ? 0 : int64(col)};
  }

 private:
  sqlite3_stmt* stmt_;
  int last_rc_ = SQLITE_OK;
};

struct ConnectionOptions {
  std::string path;
  std::chrono::milliseconds busy_timeout{5000};
};

// One database connection. Not thread-safe: used by one thread at a time (the store's pool hands
// connections out exclusively).
class Connection {
 public:
  // Opens (creating if needed) with WAL, synchronous=FULL, foreign_keys=ON and busy_timeout.
  static Result<std::unique_ptr<Connection>> open(const ConnectionOptions& options);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // `sql` must be a string with static storage duration (a constexpr string): the cache is keyed
  // by its address.
  Result<Statement> prepare(const char* sql);
  // Runs one or more statements without parameters (pragmas, BEGIN/COMMIT, migrations).
  Result<void> exec(const char* sql);
  // Rows changed by the last INSERT/UPDATE/DELETE.
  std::int64_t changes() const;
  std::int64_t last_insert_id() const;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  struct Finalize {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };
  sqlite3* db_;
  std::unordered_map<const char*, std::unique_ptr<sqlite3_stmt, Finalize>> cache_;
};

}  // namespace findme::store::sqlite
