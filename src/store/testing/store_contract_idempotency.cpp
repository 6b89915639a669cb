// Store contract: Idempotency-Key claims. A key is claimed once, answers with what was stored,
// refuses another request's fingerprint, and an abandoned claim can be taken over.
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "store/testing/store_contract.h"

namespace findme::store::testing {

int link_idempotency_contract() { return 1; }

namespace {

using std::chrono::minutes;
using State = IdempotencyClaim::State;

IdempotencyRequest upload_request(std::string fingerprint = "fp-upload") {
  return {.scope = "user:7", .key = "k-1", .fingerprint = std::move(fingerprint)};
}

State claim_state(Store& store, const IdempotencyRequest& request) {
  Result<IdempotencyClaim> claim = store.claim_idempotency_key(request, minutes(2));
  EXPECT_TRUE(claim) << (claim ? "" : claim.error().message);
  return claim ? claim->state : State::mismatch;
}

TEST_P(StoreContract, AKeyIsClaimedOnceThenAnswersWithTheStoredResponse) {
  EXPECT_EQ(claim_state(store(), upload_request()), State::claimed);
  EXPECT_EQ(claim_state(store(), upload_request()), State::in_progress);

  ASSERT_TRUE(store().complete_idempotency_key("user:7", "k-1", 202, R"({"photos":[]})"));
  Result<IdempotencyClaim> again = store().claim_idempotency_key(upload_request(), minutes(2));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->state, State::completed);
  EXPECT_EQ(again->status, 202);
  EXPECT_EQ(again->body, R"({"photos":[]})");

  // Releasing a completed key changes nothing: the answer stays.
  ASSERT_TRUE(store().release_idempotency_key("user:7", "k-1"));
  EXPECT_EQ(claim_state(store(), upload_request()), State::completed);
}

TEST_P(StoreContract, AKeyUsedForAnotherRequestIsAMismatchAndScopesAreSeparate) {
  ASSERT_EQ(claim_state(store(), upload_request("fp-a")), State::claimed);
  EXPECT_EQ(claim_state(store(), upload_request("fp-b")), State::mismatch);
  ASSERT_TRUE(store().complete_idempotency_key("user:7", "k-1", 201, "{}"));
  EXPECT_EQ(claim_state(store(), upload_request("fp-b")), State::mismatch);

  // The same key from someone else is theirs.
  IdempotencyRequest other = upload_request("fp-b");
  other.scope = "user:8";
  EXPECT_EQ(claim_state(store(), other), State::claimed);
}

TEST_P(StoreContract, AReleasedClaimCanBeClaimedAgain) {
  ASSERT_EQ(claim_state(store(), upload_request()), State::claimed);
  ASSERT_TRUE(store().release_idempotency_key("user:7", "k-1"));
  EXPECT_EQ(claim_state(store(), upload_request()), State::claimed);
}

TEST_P(StoreContract, AnAbandonedClaimIsTakenOverOnceStale) {
  ASSERT_EQ(claim_state(store(), upload_request()), State::claimed);
  clock_.advance(minutes(1));
  EXPECT_EQ(claim_state(store(), upload_request()), State::in_progress);
  clock_.advance(minutes(2));
  EXPECT_EQ(claim_state(store(), upload_request()), State::claimed);
  // Taken over means claimed afresh: it is not stale again at once.
  EXPECT_EQ(claim_state(store(), upload_request()), State::in_progress);
}

TEST_P(StoreContract, OldKeysAreForgotten) {
  ASSERT_EQ(claim_state(store(), upload_request()), State::claimed);
  ASSERT_TRUE(store().complete_idempotency_key("user:7", "k-1", 202, "{}"));
  clock_.advance(minutes(10));
  IdempotencyRequest recent = upload_request();
  recent.key = "k-2";
  ASSERT_EQ(claim_state(store(), recent), State::claimed);

  Result<std::int64_t> removed = store().delete_idempotency_keys(minutes(5));
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 1);
  EXPECT_EQ(claim_state(store(), upload_request()), State::claimed);
  EXPECT_EQ(claim_state(store(), recent), State::in_progress);
}

TEST_P(StoreContract, ConcurrentClaimsOfOneKeyGiveOneClaim) {
  constexpr int kThreads = 6;
  std::atomic<int> claimed{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      Result<IdempotencyClaim> claim = store().claim_idempotency_key(upload_request(), minutes(2));
      if (!claim) {
        ++failed;
      } else if (claim->state == State::claimed) {
        ++claimed;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(claimed.load(), 1);
}

}  // namespace
}  // namespace findme::store::testing
