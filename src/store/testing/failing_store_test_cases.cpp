// FailingStore is checked against the contract backend it wraps.
#include "store/testing/failing_store.h"
#include "store/testing/store_contract.h"

namespace findme::store::testing {

int link_failing_store_cases() { return 1; }

namespace {

TEST_P(StoreContract, FailingStoreFailsTheChosenCallOnly) {
  FailingStore failing(store(), 2);
  EXPECT_TRUE(failing.ping());
  Result<User> second = failing.create_user(
      {.email = "ada@example.org", .name = "Ada", .role = Role::attendee, .password_hash = "h"});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Errc::unavailable);
  Result<std::optional<User>> nothing_written = failing.find_user_by_email("ada@example.org");
  ASSERT_TRUE(nothing_written);
  EXPECT_FALSE(*nothing_written);

  failing.fail_on(1, /*keep_failing=*/true);
  EXPECT_FALSE(failing.ping());
  EXPECT_FALSE(failing.count_queued_jobs());
  EXPECT_EQ(failing.calls(), 2);
}

}  // namespace
}  // namespace findme::store::testing
