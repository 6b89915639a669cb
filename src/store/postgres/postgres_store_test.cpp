#include "store/postgres/postgres_store.h"

#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <pqxx/pqxx>  // the whole library: 6.4's headers are not self-contained

#include "core/testing/manual_clock.h"
#include "store/postgres/migrations.h"
#include "store/postgres/test_database.h"
#include "store/testing/store_contract.h"

namespace findme::store::postgres {
namespace {

PostgresOptions options_for(const std::string& url) {
  return {.pool = {.url = url, .size = 4, .max_overflow = 4}};
}

class PostgresBackend final : public store::testing::StoreBackend {
 public:
  Result<std::unique_ptr<Store>> open(Clock& clock) override {
    Result<std::unique_ptr<PostgresStore>> store =
        PostgresStore::open(options_for(db_.url()), clock);
    if (!store) return store.error();
    return std::unique_ptr<Store>(std::move(*store));
  }

 private:
  testing::TestDatabase db_;
};

std::unique_ptr<store::testing::StoreBackend> make_postgres_backend() {
  return std::make_unique<PostgresBackend>();
}

std::int64_t count_versions(const std::string& url) {
  pqxx::connection conn(url);
  pqxx::nontransaction tx(conn);
  return tx.exec1("SELECT count(*) FROM schema_version")[0].as<std::int64_t>();
}

TEST(PostgresStoreTest, UnreachableServerIsUnavailableWithoutTheUrl) {
  ManualClock clock;
  // Port 1 on loopback: refused at once.
  Result<std::unique_ptr<PostgresStore>> store =
      PostgresStore::open(options_for("postgresql://secret@127.0.0.1:1/findme"), clock);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, Errc::unavailable);
  EXPECT_EQ(store.error().message.find("secret"), std::string::npos);
}

TEST(PostgresStoreTest, ProcessesStartingTogetherMigrateOnce) {
  testing::TestDatabase db;
  ManualClock clock;
  std::vector<std::thread> starts;
  std::atomic<int> opened{0};
  for (int i = 0; i < 4; ++i) {
    starts.emplace_back([&] {
      if (PostgresStore::open(options_for(db.url()), clock)) ++opened;
    });
  }
  for (std::thread& t : starts) t.join();
  EXPECT_EQ(opened.load(), 4);
  EXPECT_EQ(count_versions(db.url()), latest_schema_version());
}

TEST(PostgresStoreTest, NewerSchemaIsRefused) {
  testing::TestDatabase db;
  ManualClock clock;
  ASSERT_TRUE(PostgresStore::open(options_for(db.url()), clock));
  {
    pqxx::connection conn(db.url());
    pqxx::nontransaction tx(conn);
    tx.exec("INSERT INTO schema_version VALUES (999, 0)");
  }
  Result<std::unique_ptr<PostgresStore>> store = PostgresStore::open(options_for(db.url()), clock);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, Errc::internal);
}

TEST(PostgresStoreTest, KilledConnectionsAreReplacedTransparently) {
  testing::TestDatabase db;
  ManualClock clock;
  Result<std::unique_ptr<PostgresStore>> store = PostgresStore::open(options_for(db.url()), clock);
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE((*store)->ping());
  {
    // What a server restart does to idle pooled connections.
    pqxx::connection admin(testing::admin_url());
    pqxx::nontransaction tx(admin);
    tx.exec_params("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                   db.name());
  }
  Result<void> ping = (*store)->ping();
  EXPECT_TRUE(ping) << ping.error().message;
  Result<User> user = (*store)->create_user(
      {.email = "a@example.org", .name = "A", .role = Role::attendee, .password_hash = "x"});
  EXPECT_TRUE(user) << user.error().message;
  EXPECT_GE((*store)->pool_stats().broken, 1);
}

}  // namespace
}  // namespace findme::store::postgres

FINDME_INSTANTIATE_STORE_CONTRACT(Postgres, &::findme::store::postgres::make_postgres_backend)
