#include "store/sqlite/sqlite_store.h"

#include <memory>

#include <gtest/gtest.h>

#include "core/testing/manual_clock.h"
#include "store/sqlite/migrations.h"
#include "store/testing/store_contract.h"
#include "store/testing/temp_dir.h"

namespace findme::store::sqlite {
namespace {

class SqliteBackend final : public testing::StoreBackend {
 public:
  Result<std::unique_ptr<Store>> open(Clock& clock) override {
    Result<std::unique_ptr<SqliteStore>> store =
        SqliteStore::open({.path = (dir_.path() / "findme.db").string(), .max_readers = 4}, clock);
    if (!store) return store.error();
    return std::unique_ptr<Store>(std::move(*store));
  }

 private:
  testing::TempDir dir_;
};

std::unique_ptr<testing::StoreBackend> make_sqlite_backend() {
  return std::make_unique<SqliteBackend>();
}

TEST(SqliteStoreTest, UnopenableFileIsUnavailable) {
  ManualClock clock;
  Result<std::unique_ptr<SqliteStore>> store =
      SqliteStore::open({.path = "/nonexistent-dir/findme.db"}, clock);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, Errc::unavailable);
  EXPECT_EQ(store.error().message.find("nonexistent"), std::string::npos);  // no paths
}

TEST(SqliteStoreTest, ReopeningDoesNotReapplyMigrations) {
  testing::TempDir dir;
  ManualClock clock;
  std::string path = (dir.path() / "findme.db").string();
  for (int i = 0; i < 2; ++i) {
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open({.path = path}, clock);
    ASSERT_TRUE(store) << store.error().message;
    ASSERT_TRUE((*store)->ping());
  }
  Result<std::unique_ptr<Connection>> conn = Connection::open({.path = path});
  ASSERT_TRUE(conn);
  static constexpr const char* kVersions = "SELECT count(*), max(version) FROM schema_version";
  Result<Statement> stmt = (*conn)->prepare(kVersions);
  ASSERT_TRUE(stmt);
  ASSERT_TRUE(stmt->step());
  EXPECT_EQ(stmt->int64(0), latest_schema_version());
  EXPECT_EQ(stmt->int32(1), latest_schema_version());
}

TEST(SqliteStoreTest, NewerSchemaIsRefused) {
  testing::TempDir dir;
  ManualClock clock;
  std::string path = (dir.path() / "findme.db").string();
  {
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open({.path = path}, clock);
    ASSERT_TRUE(store);
  }
  {
    Result<std::unique_ptr<Connection>> conn = Connection::open({.path = path});
    ASSERT_TRUE(conn);
    ASSERT_TRUE((*conn)->exec("INSERT INTO schema_version VALUES (999, 0)"));
  }
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open({.path = path}, clock);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, Errc::internal);
}

}  // namespace
}  // namespace findme::store::sqlite

FINDME_INSTANTIATE_STORE_CONTRACT(Sqlite, &::findme::store::sqlite::make_sqlite_backend)
