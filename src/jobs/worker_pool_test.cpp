#include "jobs/worker_pool.h"

#include <chrono>
#include <condition_variable>

#include <gtest/gtest.h>

#include "core/mutex.h"
#include "domain/testing/job_test_world.h"

namespace findme::jobs {
namespace {

using domain::testing::fake_embedding;
using domain::testing::fake_face;
using domain::testing::fake_image;
using domain::testing::must;

// Counts job-end notifications; subscribe before the jobs can end.
class JobWaiter {
 public:
  JobWaiter(Notifier& notifier, const std::vector<JobId>& jobs) {
    const std::uint64_t epoch = notifier.epoch();
    for (JobId job : jobs) {
      subscriptions_.push_back(notifier.subscribe(domain::job_notify_key(job), epoch, [this] {
        MutexLock lock(mu_);
        ++ended_;
        cv_.notify_all();
      }));
    }
  }
  // Generous bound so that a broken pool fails the test instead of hanging it; not a timing test.
  bool wait() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    MutexLock lock(mu_);
    while (ended_ != subscriptions_.size()) {
      if (lock.wait_until(cv_, deadline) == std::cv_status::timeout) {
        return ended_ == subscriptions_.size();
      }
    }
    return true;
  }

 private:
  Mutex mu_;
  std::condition_variable cv_;
  std::size_t ended_ FINDME_GUARDED_BY(mu_) = 0;
  std::vector<Notifier::Subscription> subscriptions_;
};

class WorkerPoolTest : public ::testing::Test {
 protected:
  std::unique_ptr<WorkerPool> make_pool(int threads, int interactive_workers = 0,
                                        metrics::Registry* registry = nullptr) {
    EngineFactory factory = [this]() -> Result<std::unique_ptr<face::FaceEngine>> {
      return std::unique_ptr<face::FaceEngine>(
          std::make_unique<domain::testing::FakeFaceEngine>(world_.script));
    };
    return std::make_unique<WorkerPool>(
        world_.context, domain::JobRunnerOptions{}, factory, signal_, notifier_, registry,
        WorkerPoolOptions{.threads = threads,
                          .interactive_workers = interactive_workers,
                          .idle_poll = std::chrono::milliseconds(50),
                          .worker_prefix = "test:1"});
  }

  // `count` photos tagged p0, p1, ...; returns their jobs.
  std::vector<JobId> add_photos(int count) {
    std::vector<JobId> jobs;
    for (int i = 0; i < count; ++i) {
      const std::string tag = "p" + std::to_string(i);
      world_.script.set(tag, {fake_face(fake_embedding(std::size_t(i % 100)))});
      jobs.push_back(world_.add_photo(fake_image(tag)).job.id);
    }
    return jobs;
  }

  JobId add_selfie() {
    world_.script.set("selfie", {fake_face(fake_embedding(3))});
    return world_.add_selfie(world_.add_attendee("ada"), fake_image("selfie")).job.id;
  }

  domain::testing::JobWorld world_;
  domain::JobQueueSignal signal_;
  Notifier notifier_;
};

TEST_F(WorkerPoolTest, RunsEveryQueuedJobAndNotifiesEachEnd) {
  std::vector<JobId> jobs = add_photos(5);
  jobs.push_back(add_selfie());
  JobWaiter waiter(notifier_, jobs);
  auto pool = make_pool(2);

  ASSERT_TRUE(pool->start());
  ASSERT_TRUE(waiter.wait());
  pool->stop();

  for (JobId job : jobs) {
    EXPECT_EQ(world_.job(job).status, JobStatus::done) << job.value;
  }
  EXPECT_EQ(world_.script.calls().size(), 6u);
  // Whichever of the selfie and p3 (which holds its face) ran last made the match.
  EXPECT_EQ(must(world_.store.count_user_matches(world_.job(jobs.back()).owner_id, std::nullopt)),
            1);
}

TEST_F(WorkerPoolTest, SelfieQueuedBehindABacklogRunsFirst) {
  std::vector<JobId> jobs = add_photos(50);
  jobs.push_back(add_selfie());
  JobWaiter waiter(notifier_, jobs);
  auto pool = make_pool(1);

  ASSERT_TRUE(pool->start());
  ASSERT_TRUE(waiter.wait());
  pool->stop();

  const std::vector<std::string> calls = world_.script.calls();
  ASSERT_EQ(calls.size(), 51u);
  EXPECT_EQ(calls.front(), "selfie");
}

TEST_F(WorkerPoolTest, SelfieArrivingDuringBulkIndexingIsTheNextJob) {
  std::vector<JobId> jobs = add_photos(20);
  world_.script.hold("p0");
  auto pool = make_pool(1);
  ASSERT_TRUE(pool->start());
  world_.script.wait_for_call("p0");

  jobs.push_back(add_selfie());
  JobWaiter waiter(notifier_, jobs);
  signal_.wake();
  world_.script.release();
  ASSERT_TRUE(waiter.wait());
  pool->stop();

  const std::vector<std::string> calls = world_.script.calls();
  ASSERT_EQ(calls.size(), 21u);
  EXPECT_EQ(calls[0], "p0");
  EXPECT_EQ(calls[1], "selfie");
}

TEST_F(WorkerPoolTest, ReservedWorkerRunsASelfieWhileEveryOtherWorkerIsBusy) {
  std::vector<JobId> photos = add_photos(3);
  world_.script.hold("p0");
  auto pool = make_pool(2, /*interactive_workers=*/1);
  ASSERT_TRUE(pool->start());
  world_.script.wait_for_call("p0");

  const JobId selfie = add_selfie();
  JobWaiter selfie_done(notifier_, {selfie});
  signal_.wake();
  ASSERT_TRUE(selfie_done.wait());  // while p0 is still being indexed

  EXPECT_EQ(world_.script.calls(), (std::vector<std::string>{"p0", "selfie"}));
  JobWaiter photos_done(notifier_, photos);
  world_.script.release();
  ASSERT_TRUE(photos_done.wait());
  pool->stop();
  EXPECT_EQ(world_.script.calls().size(), 4u);
}

TEST_F(WorkerPoolTest, JobOfADeadWorkerRunsAgainExactlyOnceAfterItsLease) {
  const JobId job = add_photos(1).front();
  std::optional<Job> lost = must(world_.store.claim_next_job(
      {.worker = "crashed:9:worker-0", .lease = std::chrono::minutes(2)}));
  ASSERT_TRUE(lost && lost->id == job);
  JobWaiter waiter(notifier_, {job});
  auto pool = make_pool(2);
  ASSERT_TRUE(pool->start());

  world_.clock.advance(std::chrono::minutes(3));
  signal_.wake();
  ASSERT_TRUE(waiter.wait());
  pool->stop();

  const Job done = world_.job(job);
  EXPECT_EQ(done.status, JobStatus::done);
  EXPECT_EQ(done.attempts, 2);
  EXPECT_EQ(world_.script.count("p0"), 1u);
  EXPECT_EQ(must(world_.store.list_photo_faces(done.photo_id)).size(), 1u);
}

TEST_F(WorkerPoolTest, StopFinishesTheCurrentJobAndLeavesTheRestQueued) {
  std::vector<JobId> jobs = add_photos(3);
  world_.script.hold("p0");
  auto pool = make_pool(1);
  ASSERT_TRUE(pool->start());
  world_.script.wait_for_call("p0");

  pool->request_stop();
  world_.script.release();
  pool->stop();

  EXPECT_EQ(world_.job(jobs[0]).status, JobStatus::done);
  for (JobId job : {jobs[1], jobs[2]}) {
    EXPECT_EQ(world_.job(job).status, JobStatus::queued);
    EXPECT_EQ(world_.job(job).attempts, 0);
  }

  JobWaiter waiter(notifier_, {jobs[1], jobs[2]});  // a restarted process picks them up
  auto next = make_pool(1);
  ASSERT_TRUE(next->start());
  ASSERT_TRUE(waiter.wait());
  next->stop();
  EXPECT_EQ(world_.script.calls().size(), 3u);
}

TEST_F(WorkerPoolTest, PermanentFailureEndsTheJobAndThePhoto) {
  store::PhotoAndJob bad = world_.add_photo("BAD bytes");
  JobWaiter waiter(notifier_, {bad.job.id});
  metrics::Registry registry;
  auto pool = make_pool(1, 0, &registry);

  ASSERT_TRUE(pool->start());
  ASSERT_TRUE(waiter.wait());
  pool->stop();

  EXPECT_EQ(world_.job(bad.job.id).status, JobStatus::failed);
  EXPECT_EQ(world_.job(bad.job.id).error_code, "invalid_image");
  EXPECT_EQ(world_.photo(bad.photo.id).status, PhotoStatus::failed);
  const std::string text = registry.render();
  EXPECT_NE(text.find(R"(findme_jobs_finished_total{kind="index_photo",outcome="failed"} 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(findme_jobs{state="failed"} 1)"), std::string::npos) << text;
}

TEST_F(WorkerPoolTest, EngineFactoryErrorFailsStart) {
  auto pool = std::make_unique<WorkerPool>(
      world_.context, domain::JobRunnerOptions{},
      []() -> Result<std::unique_ptr<face::FaceEngine>> {
        return make_error(Errc::unavailable, "models missing");
      },
      signal_, notifier_, nullptr, WorkerPoolOptions{.threads = 2});

  Result<void> started = pool->start();

  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().message, "models missing");
  pool->stop();
}

}  // namespace
}  // namespace findme::jobs
