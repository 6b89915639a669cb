#include "store/postgres/connection_pool.h"

#include <chrono>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "store/postgres/test_database.h"

namespace findme::store::postgres {
namespace {

using std::chrono::milliseconds;

TEST(ConnectionPoolTest, OverflowUnderABurstThenABoundedWaitThenBackToSteady) {
  testing::TestDatabase db;
  ConnectionPool pool(
      {.url = db.url(), .size = 1, .max_overflow = 1, .acquire_timeout = milliseconds(200)});
  {
    Result<Lease> steady = pool.acquire();
    Result<Lease> overflow = pool.acquire();
    ASSERT_TRUE(steady && overflow);
    EXPECT_EQ(pool.stats().in_use, 2);

    const auto started = std::chrono::steady_clock::now();
    Result<Lease> third = pool.acquire();  // every connection is lent out
    ASSERT_FALSE(third);
    EXPECT_EQ(third.error().code, Errc::unavailable);
    EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(2000));  // no hang
    EXPECT_EQ(pool.stats().waits, 1);
    EXPECT_EQ(pool.stats().timeouts, 1);
  }
  PoolStats after = pool.stats();  // the overflow connection was closed when returned
  EXPECT_EQ(after.in_use, 0);
  EXPECT_EQ(after.idle, 1);
  EXPECT_EQ(after.connects, 2);
}

TEST(ConnectionPoolTest, AWaiterGetsTheConnectionAnotherReturns) {
  testing::TestDatabase db;
  ConnectionPool pool(
      {.url = db.url(), .size = 1, .max_overflow = 0, .acquire_timeout = milliseconds(5000)});
  std::optional<Lease> held;
  {
    Result<Lease> first = pool.acquire();
    ASSERT_TRUE(first);
    held.emplace(std::move(*first));
  }
  std::thread returner([&] { held.reset(); });
  Result<Lease> second = pool.acquire();
  returner.join();
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(pool.stats().connects, 1);  // the same connection, reused
}

TEST(ConnectionPoolTest, AnUnreachableServerFailsFastAndIsNotHammered) {
  ConnectionPool pool(
      {.url = "postgresql://findme@127.0.0.1:1/findme", .reconnect_backoff = milliseconds(60'000)});
  Result<Lease> first = pool.acquire();
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, Errc::unavailable);
  Result<Lease> second = pool.acquire();  // within the backoff: no new connect
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Errc::unavailable);
  EXPECT_EQ(pool.stats().connect_failures, 1);
  EXPECT_EQ(pool.stats().in_use, 0);
}

TEST(ConnectionPoolTest, ADiscardedConnectionIsReplaced) {
  testing::TestDatabase db;
  ConnectionPool pool({.url = db.url(), .size = 2, .max_overflow = 0});
  {
    Result<Lease> lease = pool.acquire();
    ASSERT_TRUE(lease);
    lease->discard();
  }
  EXPECT_EQ(pool.stats().broken, 1);
  EXPECT_EQ(pool.stats().idle, 0);
  Result<Lease> fresh = pool.acquire();
  ASSERT_TRUE(fresh);
  EXPECT_EQ(pool.stats().connects, 2);
}

}  // namespace
}  // namespace findme::store::postgres
