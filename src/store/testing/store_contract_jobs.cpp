// Store contract: the durable job queue, concurrency and restarts.
#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "store/testing/store_contract.h"

namespace findme::store::testing {

int link_jobs_contract() { return 1; }

namespace {

using std::chrono::minutes;
using std::chrono::seconds;

std::optional<Job> claim(Store& store, const std::string& worker,
                         std::chrono::milliseconds lease = minutes(1)) {
  Result<std::optional<Job>> job = store.claim_next_job({.worker = worker, .lease = lease});
  EXPECT_TRUE(job) << (job ? "" : job.error().message);
  return job ? *job : std::nullopt;
}

TEST_P(StoreContract, ClaimsInteractiveWorkBeforeABacklog) {
  User org = add_user("org@example.org", Role::organizer);
  User ann = add_user("ann@example.org");
  Event event = add_event(org.id, "AAAAAA");
  PhotoAndJob p1 = add_photo(event.id, org.id, "k1");
  add_photo(event.id, org.id, "k2");
  Result<SelfieAndJob> selfie = store().add_selfie_and_enqueue(
      {.user_id = ann.id, .storage_key = "s"}, {.priority = kPriorityInteractive});
  ASSERT_TRUE(selfie);

  std::optional<Job> first = claim(store(), "w1");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, selfie->job.id);
  EXPECT_EQ(first->status, JobStatus::running);
  EXPECT_EQ(first->attempts, 1);
  EXPECT_EQ(first->lease_owner, "w1");
  EXPECT_EQ(first->lease_until, clock_.now() + minutes(1));
  std::optional<Job> second = claim(store(), "w1");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, p1.job.id);  // then oldest first

  Result<std::optional<Job>> interactive_only = store().claim_next_job(
      {.worker = "w2", .lease = minutes(1), .max_priority = kPriorityInteractive});
  ASSERT_TRUE(interactive_only);
  EXPECT_FALSE(*interactive_only);
}

TEST_P(StoreContract, ExpiredLeaseIsClaimedAgain) {
  User org = add_user("org@example.org", Role::organizer);
  Event event = add_event(org.id, "AAAAAA");
  PhotoAndJob p = add_photo(event.id, org.id, "k1");
  ASSERT_TRUE(claim(store(), "w1"));
  EXPECT_FALSE(claim(store(), "w2"));  // still leased

  clock_.advance(minutes(1));
  std::optional<Job> again = claim(store(), "w2");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, p.job.id);
  EXPECT_EQ(again->attempts, 2);
  EXPECT_EQ(again->lease_owner, "w2");

  Result<bool> stale = store().extend_lease(p.job.id, "w1", clock_.now() + minutes(5));
  ASSERT_TRUE(stale);
  EXPECT_FALSE(*stale);
  Result<bool> extended = store().extend_lease(p.job.id, "w2", clock_.now() + minutes(5));
  ASSERT_TRUE(extended);
  EXPECT_TRUE(*extended);
}

// A full disk or a database away for an hour must not end a photo's indexing failed: such
// failures are retried past max_attempts, and a later ordinary failure still ends the job.
TEST_P(StoreContract, EnvironmentFailuresAreRetriedPastMaxAttempts) {
  User org = add_user("org@example.org", Role::organizer);
  Event event = add_event(org.id, "AAAAAA");
  PhotoAndJob p = add_photo(event.id, org.id, "k1");
  const JobFailure disk_full{.code = "unavailable",
                             .message = "disk full",
                             .retry_delay = seconds(30),
                             .keep_trying = true};
  for (int attempt = 1; attempt <= kDefaultMaxAttempts + 2; ++attempt) {
    ASSERT_TRUE(claim(store(), "w")) << attempt;
    Result<std::optional<Job>> failed = store().fail_job(p.job.id, disk_full);
    ASSERT_TRUE(failed && *failed);
    EXPECT_EQ((*failed)->status, JobStatus::queued) << attempt;
    EXPECT_EQ((*failed)->run_after, clock_.now() + seconds(30));
    clock_.advance(seconds(30));
  }
  Result<std::optional<Photo>> photo = store().find_photo(p.photo.id);
  ASSERT_TRUE(photo && *photo);
  EXPECT_EQ((*photo)->status, PhotoStatus::queued);

  ASSERT_TRUE(claim(store(), "w"));
  Result<std::optional<Job>> last = store().fail_job(p.job.id, {.code = "internal"});
  ASSERT_TRUE(last && *last);
  EXPECT_EQ((*last)->status, JobStatus::failed);
}

TEST_P(StoreContract, FailuresRetryWithBackoffThenFail) {
  User org = add_user("org@example.org", Role::organizer);
  Event event = add_event(org.id, "AAAAAA");
  PhotoAndJob p = add_photo(event.id, org.id, "k1");
  JobFailure failure{.code = "internal", .message = "boom", .retry_delay = seconds(30)};

  for (int attempt = 1; attempt < kDefaultMaxAttempts; ++attempt) {
    ASSERT_TRUE(claim(store(), "w"));
    Result<std::optional<Job>> failed = store().fail_job(p.job.id, failure);
    ASSERT_TRUE(failed && *failed);
    EXPECT_EQ((*failed)->status, JobStatus::queued);
    EXPECT_EQ((*failed)->run_after, clock_.now() + seconds(30));
    EXPECT_EQ((*failed)->error_message, "boom");
    EXPECT_FALSE(claim(store(), "w"));  // backing off
    clock_.advance(seconds(30));
  }
  ASSERT_TRUE(claim(store(), "w"));
  Result<std::optional<Job>> last = store().fail_job(p.job.id, failure);
  ASSERT_TRUE(last && *last);
  EXPECT_EQ((*last)->status, JobStatus::failed);
  EXPECT_EQ((*last)->finished_at, clock_.now());
  Result<std::optional<Photo>> photo = store().find_photo(p.photo.id);
  ASSERT_TRUE(photo && *photo);
  EXPECT_EQ((*photo)->status, PhotoStatus::failed);
  EXPECT_EQ((*photo)->error, "internal");
  clock_.advance(minutes(10));
  EXPECT_FALSE(claim(store(), "w"));
}

TEST_P(StoreContract, PermanentFailureEndsAtOnce) {
  User ann = add_user("ann@example.org");
  Result<SelfieAndJob> selfie = store().add_selfie_and_enqueue({.user_id = ann.id}, {});
  ASSERT_TRUE(selfie);
  ASSERT_TRUE(claim(store(), "w"));
  Result<std::optional<Job>> failed = store().fail_job(
      selfie->job.id, {.code = "no_face_found", .message = "no face", .permanent = true});
  ASSERT_TRUE(failed && *failed);
  EXPECT_EQ((*failed)->status, JobStatus::failed);
  EXPECT_EQ((*failed)->error_code, "no_face_found");
  Result<std::int64_t> pending = store().count_pending_jobs(ann.id);
  ASSERT_TRUE(pending);
  EXPECT_EQ(*pending, 0);
}

TEST_P(StoreContract, WorkerThatDiesOnItsLastAttemptFailsTheJob) {
  User org = add_user("org@example.org", Role::organizer);
  Event event = add_event(org.id, "AAAAAA");
  Result<Job> job = store().enqueue_job(
      {.kind = JobKind::match_new_faces, .event_id = event.id, .max_attempts = 1});
  ASSERT_TRUE(job);
  ASSERT_TRUE(claim(store(), "w1"));
  clock_.advance(minutes(2));
  EXPECT_FALSE(claim(store(), "w2"));
  Result<std::optional<Job>> found = store().find_job(job->id);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->status, JobStatus::failed);
  EXPECT_EQ((*found)->error_code, "internal");
}

TEST_P(StoreContract, CompletingTwiceIsHarmless) {
  User org = add_user("org@example.org", Role::organizer);
  Event event = add_event(org.id, "AAAAAA");
  PhotoAndJob p = add_photo(event.id, org.id, "k1");
  ASSERT_TRUE(claim(store(), "w"));
  Result<bool> first = store().complete_job(p.job.id, R"({"faces":2})");
  ASSERT_TRUE(first);
  EXPECT_TRUE(*first);
  Result<bool> second = store().complete_job(p.job.id, R"({"faces":9})");
  ASSERT_TRUE(second);
  EXPECT_FALSE(*second);
  Result<std::optional<Job>> failed_late = store().fail_job(p.job.id, {.code = "internal"});
  ASSERT_TRUE(failed_late && *failed_late);
  EXPECT_EQ((*failed_late)->status, JobStatus::done);
  EXPECT_EQ((*failed_late)->result, R"({"faces":2})");
  Result<bool> unknown = store().complete_job(JobId{999}, "");
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(*unknown);
}

TEST_P(StoreContract, CountsJobsForTheQueueLimitAndMetrics) {
  User org = add_user("org@example.org", Role::organizer);
  Event event = add_event(org.id, "AAAAAA");
  for (int i = 0; i < 3; ++i) add_photo(event.id, org.id, "k" + std::to_string(i));
  ASSERT_TRUE(claim(store(), "w"));
  Result<std::int64_t> queued = store().count_queued_jobs();
  ASSERT_TRUE(queued);
  EXPECT_EQ(*queued, 2);
  Result<JobCounts> counts = store().count_jobs();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->queued, 2);
  EXPECT_EQ(counts->running, 1);
  Result<std::int64_t> pending = store().count_pending_jobs(org.id);
  ASSERT_TRUE(pending);
  EXPECT_EQ(*pending, 3);
}

TEST_P(StoreContract, ConcurrentClaimsNeverShareAJob) {
  User org = add_user("org@example.org", Role::organizer);
  Event event = add_event(org.id, "AAAAAA");
  constexpr int kJobs = 60;
  for (int i = 0; i < kJobs; ++i) add_photo(event.id, org.id, "k" + std::to_string(i));

  std::mutex mu;
  std::vector<std::int64_t> claimed;
  std::vector<std::thread> workers;
  workers.reserve(4);
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      while (true) {
        Result<std::optional<Job>> job =
            store().claim_next_job({.worker = "w" + std::to_string(w), .lease = minutes(5)});
        if (!job || !*job) return;
        (void)store().complete_job((*job)->id, "{}");
        std::lock_guard lock(mu);
        claimed.push_back((*job)->id.value);
      }
    });
  }
  for (std::thread& t : workers) t.join();
  std::set<std::int64_t> unique(claimed.begin(), claimed.end());
  EXPECT_EQ(claimed.size(), static_cast<std::size_t>(kJobs));
  EXPECT_EQ(unique.size(), static_cast<std::size_t>(kJobs));
}

TEST_P(StoreContract, RestartKeepsDataAndReclaimsExpiredLeases) {
  User org = add_user("org@example.org", Role::organizer);
  Event event = add_event(org.id, "AAAAAA");
  PhotoAndJob p = add_photo(event.id, org.id, "k1");
  ASSERT_TRUE(claim(store(), "dead-worker"));

  reopen();
  Result<std::optional<Event>> found = store().find_event_by_code("aaaaaa");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->photo_count, 1);
  EXPECT_FALSE(claim(store(), "w"));  // the lease still runs
  clock_.advance(minutes(1));
  std::optional<Job> again = claim(store(), "w");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, p.job.id);
  EXPECT_EQ(again->attempts, 2);
}

}  // namespace
}  // namespace findme::store::testing
