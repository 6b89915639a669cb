#include "app/store_factory.h"

#include <filesystem>

#include "store/sqlite/sqlite_store.h"

namespace findme::app {

Result<std::unique_ptr<store::Store>> open_store(const config::Settings& s, Clock& clock) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (s.database_url.rfind(kSqlite, 0) != 0) {
    // TODO(#5): the PostgreSQL backend.
    return make_error(Errc::unavailable,
                      "DATABASE_URL: only sqlite:PATH is supported in this version");
  }
  const std::filesystem::path path = s.database_url.substr(kSqlite.size());
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  Result<std::unique_ptr<store::sqlite::SqliteStore>> store =
      store::sqlite::SqliteStore::open({.path = path.string()}, clock);
  if (!store) {
    return Error{store.error().code, "database " + path.string() + ": " + store.error().message};
  }
  return std::unique_ptr<store::Store>(std::move(*store));
}

}  // namespace findme::app
