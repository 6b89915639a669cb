#include "jobs/worker_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <stdexcept>
#include <thread>

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

// A one-way gate: wait() blocks until open() (idempotent). Holds a posted task "running" for as
// long as a test needs, without sleeping; the same 60 s bound as JobWaiter.
class Gate {
 public:
  void open() {
    {
      MutexLock lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  bool wait() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    MutexLock lock(mu_);
    while (!open_) {
      if (lock.wait_until(cv_, deadline) == std::cv_status::timeout) return open_;
    }
    return true;
  }

 private:
  Mutex mu_;
  std::condition_variable cv_;
  bool open_ FINDME_GUARDED_BY(mu_) = false;
};

// Opens a gate when the test leaves its scope, so that a failed assertion never leaves a worker
// blocked in a task while the pool joins it. Declare it after the pool.
class OpenOnExit {
 public:
  explicit OpenOnExit(Gate& gate) : gate_(gate) {}
  OpenOnExit(const OpenOnExit&) = delete;
  OpenOnExit& operator=(const OpenOnExit&) = delete;
  ~OpenOnExit() { gate_.open(); }

 private:
  Gate& gate_;
};

class WorkerPoolTest : public ::testing::Test {
 protected:
  std::unique_ptr<WorkerPool> make_pool(int threads, int interactive_workers = 0,
                                        metrics::Registry* registry = nullptr,
                                        int max_waiting_tasks = 0) {
    EngineFactory factory = [this]() -> Result<std::unique_ptr<face::FaceEngine>> {
      return std::unique_ptr<face::FaceEngine>(
          std::make_unique<domain::testing::FakeFaceEngine>(world_.script));
    };
    return std::make_unique<WorkerPool>(
        world_.context, domain::JobRunnerOptions{}, factory, signal_, notifier_, registry,
        WorkerPoolOptions{.threads = threads,
                          .interactive_workers = interactive_workers,
                          .idle_poll = std::chrono::milliseconds(50),
                          .worker_prefix = "test:1",
                          .max_waiting_tasks = max_waiting_tasks});
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

TEST_F(WorkerPoolTest, PostedTaskRunsOnAWorkerWithItsEngineBeforeTheQueuedJobs) {
  const std::vector<JobId> jobs = add_photos(2);
  Gate ran;
  std::thread::id ran_on;
  bool with_worker_engine = false;
  image::RgbImage tagged{8, 1, std::vector<std::uint8_t>(24, 0)};
  std::copy_n("task", 4, tagged.pixels.begin());
  world_.script.hold("p0");
  auto pool = make_pool(1);
  ASSERT_TRUE(pool->start());
  world_.script.wait_for_call("p0");  // the only worker is busy, p1 queued in the store
  JobWaiter waiter(notifier_, jobs);
  ASSERT_TRUE(pool->post([&](face::FaceEngine& engine) {
    ran_on = std::this_thread::get_id();
    with_worker_engine = dynamic_cast<domain::testing::FakeFaceEngine*>(&engine) != nullptr;
    EXPECT_TRUE(engine.analyze(tagged));  // the script records "task"
    ran.open();
  }));
  world_.script.release();
  ASSERT_TRUE(ran.wait());
  ASSERT_TRUE(waiter.wait());
  pool->stop();

  EXPECT_NE(ran_on, std::this_thread::get_id());
  EXPECT_TRUE(with_worker_engine);
  EXPECT_EQ(world_.script.calls(), (std::vector<std::string>{"p0", "task", "p1"}));
}

TEST_F(WorkerPoolTest, PostIsRefusedBusyWhileItsQueueIsFull) {
  Gate started;
  Gate release;
  Gate drained;
  Gate last;
  std::atomic<int> ran{0};
  metrics::Registry registry;
  auto pool = make_pool(1, 0, &registry, /*max_waiting_tasks=*/2);
  OpenOnExit unblock{release};
  ASSERT_TRUE(pool->start());
  ASSERT_TRUE(pool->post([&](face::FaceEngine&) {
    started.open();
    release.wait();
    ++ran;
  }));
  ASSERT_TRUE(started.wait());  // the worker holds it: nothing waits

  ASSERT_TRUE(pool->post([&](face::FaceEngine&) { ++ran; }));
  ASSERT_TRUE(pool->post([&](face::FaceEngine&) {
    ++ran;
    drained.open();
  }));
  Result<void> refused = pool->post([&](face::FaceEngine&) { ran += 100; });
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::busy);

  release.open();
  ASSERT_TRUE(drained.wait());
  ASSERT_TRUE(pool->post([&](face::FaceEngine&) {
    ++ran;
    last.open();
  }));
  ASSERT_TRUE(last.wait());
  pool->stop();

  EXPECT_EQ(ran.load(), 4);  // the refused task never ran
  const std::string text = registry.render();
  EXPECT_NE(text.find("findme_face_tasks_refused_total 1"), std::string::npos) << text;
}

TEST_F(WorkerPoolTest, FourTasksPerWorkerMayWaitByDefault) {
  Gate started;
  Gate release;
  auto pool = make_pool(1);
  OpenOnExit unblock{release};
  ASSERT_TRUE(pool->start());
  ASSERT_TRUE(pool->post([&](face::FaceEngine&) {
    started.open();
    release.wait();
  }));
  ASSERT_TRUE(started.wait());

  for (int i = 0; i < 4; ++i) ASSERT_TRUE(pool->post([](face::FaceEngine&) {})) << i;
  Result<void> fifth = pool->post([](face::FaceEngine&) {});

  ASSERT_FALSE(fifth);
  EXPECT_EQ(fifth.error().code, Errc::busy);
}

// A task still waiting when the pool stops is dropped (its request's deadline answers for it).
TEST_F(WorkerPoolTest, PostIsUnavailableBeforeStartAndOnceStoppingAndWaitingTasksAreDropped) {
  Gate started;
  Gate release;
  std::atomic<bool> dropped_ran{false};
  auto pool = make_pool(1);
  OpenOnExit unblock{release};
  Result<void> early = pool->post([](face::FaceEngine&) {});
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, Errc::unavailable);

  ASSERT_TRUE(pool->start());
  ASSERT_TRUE(pool->post([&](face::FaceEngine&) {
    started.open();
    release.wait();
  }));
  ASSERT_TRUE(started.wait());
  ASSERT_TRUE(pool->post([&](face::FaceEngine&) { dropped_ran = true; }));

  pool->request_stop();
  Result<void> stopping = pool->post([](face::FaceEngine&) {});
  ASSERT_FALSE(stopping);
  EXPECT_EQ(stopping.error().code, Errc::unavailable);
  release.open();
  pool->stop();
  EXPECT_FALSE(dropped_ran.load());
  Result<void> late = pool->post([](face::FaceEngine&) {});
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, Errc::unavailable);
}

TEST_F(WorkerPoolTest, ATaskThatThrowsDoesNotStopItsWorker) {
  auto pool = make_pool(1);
  ASSERT_TRUE(pool->start());
  Gate after;
  ASSERT_TRUE(pool->post([](face::FaceEngine&) { throw std::runtime_error("task bug"); }));
  ASSERT_TRUE(pool->post([&](face::FaceEngine&) { after.open(); }));

  EXPECT_TRUE(after.wait());
  pool->stop();
}

}  // namespace
}  // namespace findme::jobs
