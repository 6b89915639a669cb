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

// The queued jobs a watcher reported, waited for with a deadline.
class QueuedJobs {
 public:
  JobEventCallbacks callbacks() {
    return {.queued = [this](JobId id) {
      std::lock_guard lock(mu_);
      heard_.push_back(id);
      cv_.notify_all();
    }};
  }
  bool wait_for(JobId id, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(
        lock, timeout, [&] { return std::find(heard_.begin(), heard_.end(), id) != heard_.end(); });
  }
  std::size_t count() {
    std::lock_guard lock(mu_);
    return heard_.size();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<JobId> heard_;
};

class JobEventFileTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteStore> open_store() {
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open({.path = path_}, clock_);
    EXPECT_TRUE(store) << store.error().message;
    return store ? std::move(*store) : nullptr;
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
  QueuedJobs heard;
  ASSERT_TRUE(server->listen_for_job_events(heard.callbacks()));

  Result<User> org = importer->create_user(
      {.email = "o@example.org", .name = "O", .role = Role::organizer, .password_hash = "x"});
  ASSERT_TRUE(org);
  Result<std::optional<Event>> event =
      importer->create_event({.organizer_id = org->id, .code = "AAAAAA", .name = "E"});
  ASSERT_TRUE(event && *event);
  EXPECT_EQ(heard.count(), 0U) << "only queued jobs are announced";

  Result<PhotoAndJob> photo = importer->add_photo_and_enqueue(
      {.event_id = (**event).id, .uploaded_by = org->id, .storage_key = "k"});
  ASSERT_TRUE(photo);
  EXPECT_TRUE(heard.wait_for(photo->job.id)) << "an uploaded photo's index job";

  Result<SelfieAndJob> selfie =
      importer->add_selfie_and_enqueue({.user_id = org->id, .storage_key = "s"}, NewJob{});
  ASSERT_TRUE(selfie);
  EXPECT_TRUE(heard.wait_for(selfie->job.id)) << "a selfie's match job";

  Result<Job> job = importer->enqueue_job(
      {.kind = JobKind::match_new_faces, .owner_id = org->id, .event_id = (**event).id});
  ASSERT_TRUE(job);
  EXPECT_TRUE(heard.wait_for(job->id)) << "a job enqueued on its own";

  // The announcing file sits beside the database, like SQLite's own -wal and -shm.
  std::ifstream file(path_ + "-jobs");
  std::string text;
  file >> text;
  EXPECT_EQ(text, std::to_string(job->id.value));
}

TEST_F(JobEventFileTest, OtherFilesInTheFolderAreNotAnnouncements) {
  std::unique_ptr<SqliteStore> server = open_store();
  ASSERT_TRUE(server);
  QueuedJobs heard;
  ASSERT_TRUE(server->listen_for_job_events(heard.callbacks()));
  std::ofstream(dir_.path() / "photo.jpg") << "not an announcement";
  std::ofstream(path_ + "-jobs.tmp") << "12";
  announce_job_queued(path_ + "-jobs", JobId{7});
  ASSERT_TRUE(heard.wait_for(JobId{7}));
  std::this_thread::sleep_for(50ms);  // a wrongly heard write would have arrived by now
  EXPECT_EQ(heard.count(), 1U);
}

TEST_F(JobEventFileTest, AnInMemoryDatabaseHasNothingToWatch) {
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open({.path = ":memory:"}, clock_);
  ASSERT_TRUE(store) << store.error().message;
  QueuedJobs heard;
  Result<void> listening = (*store)->listen_for_job_events(heard.callbacks());
  ASSERT_FALSE(listening);
  EXPECT_EQ(listening.error().code, Errc::unavailable);
  EXPECT_EQ(job_event_path(":memory:"), "");
  EXPECT_EQ(job_event_path("/data/findme.db"), "/data/findme.db-jobs");
}

TEST_F(JobEventFileTest, AFolderThatCannotBeWatchedIsUnavailable) {
  Result<std::unique_ptr<JobEventWatcher>> watcher =
      JobEventWatcher::start((dir_.path() / "missing" / "findme.db-jobs").string(), {});
  ASSERT_FALSE(watcher);
  EXPECT_EQ(watcher.error().code, Errc::unavailable);
}

}  // namespace
}  // namespace findme::store::sqlite
