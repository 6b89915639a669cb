#include "store/postgres/postgres_store.h"

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
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
  starts.reserve(4);
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

// Issue 10: version 4 adds bands. Matches of version 3 were all shown, so they become sure; a
// hidden one becomes rejected.
TEST(PostgresStoreTest, Migration4KeepsShownMatchesSureAndHiddenOnesRejected) {
  testing::TestDatabase db;
  ManualClock clock;
  {
    pqxx::connection conn(db.url());
    ASSERT_TRUE(migrate(conn, 3));
    pqxx::nontransaction tx(conn);
    tx.exec(
        "INSERT INTO users VALUES (1, 'o@x.org', 'O', 'organizer', 'h', 0), "
        "  (2, 'a@x.org', 'A', 'attendee', 'h', 0);"
        "INSERT INTO events (id, code, name, organizer_id, created_at) "
        "  VALUES (1, 'ABCDEF', 'E', 1, 0);"
        "INSERT INTO photos (id, event_id, filename, storage_key, content_type, byte_size, "
        "  status, created_at) VALUES (1, 1, 'a.jpg', 'k1', 'image/jpeg', 1, 'indexed', 0), "
        "  (2, 1, 'b.jpg', 'k2', 'image/jpeg', 1, 'indexed', 0);"
        "INSERT INTO matches (user_id, photo_id, event_id, distance, hidden, created_at) "
        "  VALUES (2, 1, 1, 0.4, false, 0), (2, 2, 1, 0.3, true, 0);");
  }
  Result<std::unique_ptr<PostgresStore>> store = PostgresStore::open(options_for(db.url()), clock);
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

// What another process's listener hears, waited for with a deadline.
class HeardJobs {
 public:
  JobEventCallbacks callbacks() {
    return {.queued = [this](JobId id) { add("queued", id); },
            .ended = [this](JobId id) { add("ended", id); }};
  }
  bool wait_for(const std::string& what, JobId id,
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] {
      return std::find(heard_.begin(), heard_.end(), what + std::to_string(id.value)) !=
             heard_.end();
    });
  }

 private:
  void add(const std::string& what, JobId id) {
    std::lock_guard lock(mu_);
    heard_.push_back(what + std::to_string(id.value));
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> heard_;
};

TEST(PostgresStoreTest, JobsQueuedAndEndedAreAnnouncedToOtherProcesses) {
  testing::TestDatabase db;
  ManualClock clock;
  Result<std::unique_ptr<PostgresStore>> writer = PostgresStore::open(options_for(db.url()), clock);
  Result<std::unique_ptr<PostgresStore>> other = PostgresStore::open(options_for(db.url()), clock);
  ASSERT_TRUE(writer && other);
  HeardJobs heard;
  (*other)->listen_for_job_events(heard.callbacks());
  // The listener connects on its own thread: announce until it has surely started listening.
  Result<User> org = (*writer)->create_user(
      {.email = "o@example.org", .name = "O", .role = Role::organizer, .password_hash = "x"});
  ASSERT_TRUE(org);
  Result<std::optional<Event>> event =
      (*writer)->create_event({.organizer_id = org->id, .code = "AAAAAA", .name = "E"});
  ASSERT_TRUE(event && *event);
  JobId job;
  for (int i = 0; i < 50 && !job; ++i) {
    Result<PhotoAndJob> photo = (*writer)->add_photo_and_enqueue(
        {.event_id = (**event).id, .uploaded_by = org->id, .storage_key = "k"});
    ASSERT_TRUE(photo);
    if (heard.wait_for("queued", photo->job.id, std::chrono::milliseconds(200))) {
      job = photo->job.id;
    }
  }
  ASSERT_TRUE(job) << "the listener never heard a queued job";

  ASSERT_TRUE((*writer)->complete_job(job, "{}"));
  EXPECT_TRUE(heard.wait_for("ended", job));
}

}  // namespace
}  // namespace findme::store::postgres

FINDME_INSTANTIATE_STORE_CONTRACT(Postgres, &::findme::store::postgres::make_postgres_backend)
