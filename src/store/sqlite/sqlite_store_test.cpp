#include "store/sqlite/sqlite_store.h"

#include <memory>

#include <gtest/gtest.h>

#include "core/testing/manual_clock.h"
#include "core/testing/temp_dir.h"
#include "store/sqlite/migrations.h"
#include "store/testing/store_contract.h"

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
  TempDir dir_;
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
  TempDir dir;
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
  TempDir dir;
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

// Issue 10: version 4 adds bands. Matches of version 3 were all shown, so they become sure; a
// hidden one becomes rejected.
TEST(SqliteStoreTest, Migration4KeepsShownMatchesSureAndHiddenOnesRejected) {
  TempDir dir;
  ManualClock clock;
  std::string path = (dir.path() / "findme.db").string();
  {
    Result<std::unique_ptr<Connection>> conn = Connection::open({.path = path});
    ASSERT_TRUE(conn);
    ASSERT_TRUE(migrate(**conn, 3));
    ASSERT_TRUE((*conn)->exec(
        "INSERT INTO users VALUES (1, 'o@x.org', 'O', 'organizer', 'h', 0), "
        "  (2, 'a@x.org', 'A', 'attendee', 'h', 0);"
        "INSERT INTO events (id, code, name, organizer_id, created_at) "
        "  VALUES (1, 'ABCDEF', 'E', 1, 0);"
        "INSERT INTO photos (id, event_id, filename, storage_key, content_type, byte_size, "
        "  status, created_at) VALUES (1, 1, 'a.jpg', 'k1', 'image/jpeg', 1, 'indexed', 0), "
        "  (2, 1, 'b.jpg', 'k2', 'image/jpeg', 1, 'indexed', 0);"
        "INSERT INTO matches (user_id, photo_id, event_id, distance, hidden, created_at) "
        "  VALUES (2, 1, 1, 0.4, 0, 0), (2, 2, 1, 0.3, 1, 0);"));
  }
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open({.path = path}, clock);
  ASSERT_TRUE(store) << store.error().message;
  Result<std::vector<MatchedPhoto>> mine = (*store)->list_user_matches(UserId{2}, std::nullopt);
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ(mine->front().photo.id, PhotoId{1});
  Result<bool> hidden_visible = (*store)->can_view_photo(UserId{2}, PhotoId{2});
  ASSERT_TRUE(hidden_visible);
  EXPECT_FALSE(*hidden_visible);
  Result<std::vector<MatchCandidate>> asked =
      (*store)->list_user_candidates(UserId{2}, std::nullopt, 20);
  ASSERT_TRUE(asked);
  EXPECT_TRUE(asked->empty());
}

}  // namespace
}  // namespace findme::store::sqlite

FINDME_INSTANTIATE_STORE_CONTRACT(Sqlite, &::findme::store::sqlite::make_sqlite_backend)
