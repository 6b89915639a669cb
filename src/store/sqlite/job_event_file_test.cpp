#include "store/sqlite/job_event_file.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/testing/manual_clock.h"
#include "core/testing/temp_dir.h"
#include "store/sqlite/sqlite_store.h"

namespace findme::store::sqlite {
namespace {

using namespace std::chrono_literals;

// What a watcher reported, waited for with a deadline.
class HeardJobs {
 public:
  JobEventCallbacks callbacks() {
    return {.queued = [this](JobId id) { add(queued_, id); },
            .ended = [this](JobId id) { add(ended_, id); }};
  }
  bool wait_for_queued(JobId id) { return wait_for(queued_, id); }
  bool wait_for_ended(JobId id) { return wait_for(ended_, id); }
  std::size_t queued_count() {
    std::lock_guard lock(mu_);
    return queued_.size();
  }
  std::size_t ended_count() {
    std::lock_guard lock(mu_);
    return ended_.size();
  }

 private:
  void add(std::vector<JobId>& to, JobId id) {
    std::lock_guard lock(mu_);
    to.push_back(id);
    cv_.notify_all();
  }
  bool wait_for(const std::vector<JobId>& in, JobId id) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 10s, [&] { return std::find(in.begin(), in.end(), id) != in.end(); });
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<JobId> queued_;
  std::vector<JobId> ended_;
};

class JobEventFileTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteStore> open_store() {
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open({.path = path_}, clock_);
    EXPECT_TRUE(store) << store.error().message;
    return store ? std::move(*store) : nullptr;
  }

  static UserId organizer(Store& store) {
    Result<User> org = store.create_user(
        {.email = "o@example.org", .name = "O", .role = Role::organizer, .password_hash = "x"});
    EXPECT_TRUE(org);
    return org ? org->id : UserId{};
  }

  // The file's content: the id last announced in it.
  std::string announced(const std::string& suffix) const {
    std::ifstream file(path_ + suffix);
    std::string text;
    file >> text;
    return text;
  }

  TempDir dir_{"findme-job-events"};
  std::string path_ = (dir_.path() / "findme.db").string();
  ManualClock clock_;
};

// `findme import` and `findme serve` are two processes on one file: two stores stand for them.
TEST_F(JobEventFileTest, JobsQueuedThroughOneStoreAreHeardByAnotherOnTheSameFile) {
  std::unique_ptr<SqliteStore> importer = open_store();
  std::unique_ptr<SqliteStore> server = open_store();
  ASSERT_TRUE(importer && server);
  HeardJobs heard;
  ASSERT_TRUE(server->listen_for_job_events(heard.callbacks()));

  const UserId org = organizer(*importer);
  Result<std::optional<Event>> event =
      importer->create_event({.organizer_id = org, .code = "AAAAAA", .name = "E"});
  ASSERT_TRUE(event && *event);
  EXPECT_EQ(heard.queued_count(), 0U) << "only queued jobs are announced";

  Result<PhotoAndJob> photo = importer->add_photo_and_enqueue(
      {.event_id = (**event).id, .uploaded_by = org, .storage_key = "k"});
  ASSERT_TRUE(photo);
  EXPECT_TRUE(heard.wait_for_queued(photo->job.id)) << "an uploaded photo's index job";

  Result<SelfieAndJob> selfie =
      importer->add_selfie_and_enqueue({.user_id = org, .storage_key = "s"}, NewJob{});
  ASSERT_TRUE(selfie);
  EXPECT_TRUE(heard.wait_for_queued(selfie->job.id)) << "a selfie's match job";

  Result<Job> job = importer->enqueue_job(
      {.kind = JobKind::match_new_faces, .owner_id = org, .event_id = (**event).id});
  ASSERT_TRUE(job);
  EXPECT_TRUE(heard.wait_for_queued(job->id)) << "a job enqueued on its own";

  // The announcing file sits beside the database, like SQLite's own -wal and -shm.
  EXPECT_EQ(announced("-jobs"), std::to_string(job->id.value));
}

// `findme import --wait` hears the server's workers end jobs: done, or failed for good.
TEST_F(JobEventFileTest, JobsEndedThroughOneStoreAreHeardByAnotherButNotRetries) {
  std::unique_ptr<SqliteStore> importer = open_store();
  std::unique_ptr<SqliteStore> server = open_store();
  ASSERT_TRUE(importer && server);
  HeardJobs heard;
  ASSERT_TRUE(importer->listen_for_job_events(heard.callbacks()));
  const UserId org = organizer(*server);
  std::vector<JobId> jobs;
  for (int i = 0; i < 3; ++i) {
    Result<Job> job = server->enqueue_job({.kind = JobKind::match_selfie, .owner_id = org});
    ASSERT_TRUE(job);
    jobs.push_back(job->id);
  }

  Result<std::optional<Job>> retried =
      server->fail_job(jobs[0], {.code = "internal", .retry_delay = 1min});
  ASSERT_TRUE(server->complete_job(jobs[1], "{}"));
  Result<std::optional<Job>> failed =
      server->fail_job(jobs[2], {.code = "no_face_found", .permanent = true});

  ASSERT_TRUE(retried && *retried && failed && *failed);
  EXPECT_EQ((**retried).status, JobStatus::queued);
  EXPECT_TRUE(heard.wait_for_ended(jobs[1])) << "done";
  EXPECT_TRUE(heard.wait_for_ended(jobs[2])) << "failed for good";
  EXPECT_EQ(announced("-jobs-ended"), std::to_string(jobs[2].value))
      << "the retry was not announced after it";
}

TEST_F(JobEventFileTest, OtherFilesInTheFolderAreNotAnnouncements) {
  std::unique_ptr<SqliteStore> server = open_store();
  ASSERT_TRUE(server);
  HeardJobs heard;
  ASSERT_TRUE(server->listen_for_job_events(heard.callbacks()));
  std::ofstream(dir_.path() / "photo.jpg") << "not an announcement";
  std::ofstream(path_ + "-jobs.tmp") << "12";
  announce_job_event(path_ + "-jobs", JobId{7});
  ASSERT_TRUE(heard.wait_for_queued(JobId{7}));
  std::this_thread::sleep_for(50ms);  // a wrongly heard write would have arrived by now
  EXPECT_EQ(heard.queued_count(), 1U);
  EXPECT_EQ(heard.ended_count(), 0U);
}

TEST_F(JobEventFileTest, AnInMemoryDatabaseHasNothingToWatch) {
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open({.path = ":memory:"}, clock_);
  ASSERT_TRUE(store) << store.error().message;
  HeardJobs heard;
  Result<void> listening = (*store)->listen_for_job_events(heard.callbacks());
  ASSERT_FALSE(listening);
  EXPECT_EQ(listening.error().code, Errc::unavailable);
  EXPECT_TRUE(job_event_files(":memory:").empty());
  EXPECT_EQ(job_event_files("/data/findme.db").queued, "/data/findme.db-jobs");
  EXPECT_EQ(job_event_files("/data/findme.db").ended, "/data/findme.db-jobs-ended");
}

TEST_F(JobEventFileTest, AFolderThatCannotBeWatchedIsUnavailable) {
  const std::string missing = (dir_.path() / "missing" / "findme.db").string();
  Result<std::unique_ptr<JobEventWatcher>> watcher =
      JobEventWatcher::start(job_event_files(missing), {});
  ASSERT_FALSE(watcher);
  EXPECT_EQ(watcher.error().code, Errc::unavailable);
}

}  // namespace
}  // namespace findme::store::sqlite
