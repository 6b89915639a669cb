// Running findme's SQL on a pooled connection: typed parameters turned into libpq text
// parameters ($1, $2, ...; never spliced into the SQL), statements prepared once per connection,
// and typed reads of result fields.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/pqxx>  // the whole library: 6.4's headers are not self-contained

#include "core/entities.h"
#include "store/postgres/connection_pool.h"

namespace findme::store::postgres {

// Parameter values in libpq's text format; nullopt is SQL NULL.
class Params {
 public:
  template <class... Args>
  explicit Params(const Args&... args) {
    values_.reserve(sizeof...(args));
    (add(args), ...);
  }
  // Pointers into the values (nullptr for NULL), valid while this object lives unchanged.
  std::vector<const char*> pointers() const;

 private:
  void add(std::int64_t v) { values_.push_back(std::to_string(v)); }
  void add(int v) { values_.push_back(std::to_string(v)); }
  void add(bool v) { values_.push_back(v ? "true" : "false"); }
  void add(float v);  // shortest text that reads back as the same float
  void add(double v);
  void add(std::string_view v) { values_.emplace_back(std::string(v)); }
  void add(const std::string& v) { values_.push_back(v); }
  void add(const char* v) { values_.emplace_back(std::string(v)); }
  void add(std::nullptr_t) { values_.emplace_back(std::nullopt); }
  void add(Timestamp t) { add(to_unix_ms(t)); }
  void add(const std::optional<Timestamp>& t) {
    if (t) {
      add(*t);
    } else {
      add(nullptr);
    }
  }
  void add(const FaceVector& embedding);  // bytea hex input: \x...
  // Id 0 ("none") is NULL.
  template <class Tag>
  void add(Id<Tag> id) {
    if (id.value == 0) {
      add(nullptr);
    } else {
      add(id.value);
    }
  }

  std::vector<std::optional<std::string>> values_;
};

// One transaction (or autocommit statement sequence) on a leased connection.
// Not thread-safe; lives inside one store call.
class Session {
 public:
  Session(pqxx::transaction_base& tx, PooledConnection& conn) : tx_(tx), conn_(conn) {}

  // Runs `sql` (a string with static storage: it keys the per-connection prepared statement)
  // with `args` as $1, $2, ... Throws pqxx exceptions; the store's transaction wrapper maps them.
  template <class... Args>
  pqxx::result run(const char* sql, const Args&... args) {
    return run_params(sql, Params(args...));
  }
  // Scripts without parameters (migrations, advisory locks).
  pqxx::result exec(const std::string& sql) { return tx_.exec(sql); }

 private:
  pqxx::result run_params(const char* sql, const Params& params);

  pqxx::transaction_base& tx_;
  PooledConnection& conn_;
};

// Field reads; NULL reads as 0, "" or nullopt.
std::int64_t int64(const pqxx::field& f);
int int32(const pqxx::field& f);
double real(const pqxx::field& f);
bool boolean(const pqxx::field& f);
std::string text(const pqxx::field& f);
inline Timestamp time(const pqxx::field& f) { return timestamp_from_ms(int64(f)); }
std::optional<Timestamp> optional_time(const pqxx::field& f);
// False when NULL or not exactly one embedding long.
bool embedding(const pqxx::field& f, FaceVector& out);
template <class IdT>
IdT id(const pqxx::field& f) {
  return IdT{int64(f)};
}

}  // namespace findme::store::postgres
