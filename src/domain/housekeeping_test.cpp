#include "domain/housekeeping.h"

#include <chrono>

#include <gtest/gtest.h>

#include "domain/testing/job_test_world.h"
#include "store/testing/failing_store.h"

namespace findme::domain {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using testing::must;

class HousekeepingTest : public ::testing::Test {
 protected:
  // A token that expires in `in` from now.
  void add_token(const std::string& hash, std::chrono::milliseconds in) {
    must(world_.store.create_token({hash, world_.organizer.id, world_.clock.now() + in}));
  }
  void add_key(const std::string& key) {
    const store::IdempotencyRequest request{.scope = "anonymous", .key = key, .fingerprint = "f"};
    ASSERT_EQ(must(world_.store.claim_idempotency_key(request, minutes(2))).state,
              store::IdempotencyClaim::State::claimed);
  }
  bool token_valid(const std::string& hash) {
    return must(world_.store.find_user_by_token(hash)).has_value();
  }

  testing::JobWorld world_;
  Housekeeping housekeeping_{world_.store, world_.clock, hours(1)};
};

TEST_F(HousekeepingTest, PurgesExpiredTokensAndOldKeysAtMostOncePerInterval) {
  add_token("expires-soon", minutes(30));
  add_token("lasts", hours(48));
  add_key("old");
  world_.clock.advance(kIdempotencyKeyLifetime + minutes(1));
  add_key("recent");

  const HousekeepingCounts first = housekeeping_.run_if_due();
  EXPECT_EQ(first.tokens, 1);
  EXPECT_EQ(first.idempotency_keys, 1);
  EXPECT_TRUE(token_valid("lasts"));

  // Not due again within the hour, whatever expires meanwhile.
  add_token("short", minutes(1));
  world_.clock.advance(minutes(30));
  EXPECT_EQ(housekeeping_.run_if_due().tokens, 0);
  world_.clock.advance(minutes(31));
  EXPECT_EQ(housekeeping_.run_if_due().tokens, 1);
}

TEST_F(HousekeepingTest, AFailingStoreOnlyDelaysThePurge) {
  store::testing::FailingStore failing(world_.store, 1);  // the first call fails
  Housekeeping flaky(failing, world_.clock, hours(1));
  add_token("expired", minutes(1));
  world_.clock.advance(minutes(2));
  const HousekeepingCounts failed = flaky.run_if_due();
  EXPECT_EQ(failed.tokens, 0);
  world_.clock.advance(hours(1));
  EXPECT_EQ(flaky.run_if_due().tokens, 1);
}

}  // namespace
}  // namespace findme::domain
