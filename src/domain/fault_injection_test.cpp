// The layers above the store against a store that fails: for n = 1, 2, ... the n-th store call of
// an operation fails (as a lost database would), the operation is retried as a client or the
// worker pool would, until it gets through. Whatever n was, nothing is lost and nothing is
// half-written: one row per photo, its file, one job; an indexed photo with its faces once and
// its thumbnail; DATA_DIR and the database agree (check_storage).
#include <gtest/gtest.h>

#include "domain/accounts.h"
#include "domain/attendees.h"
#include "domain/events.h"
#include "domain/file_store.h"
#include "domain/photos.h"
#include "domain/secrets.h"
#include "domain/storage_check.h"
#include "domain/testing/job_test_world.h"
#include "store/testing/failing_store.h"

namespace findme::domain {
namespace {

using store::testing::FailingStore;
using testing::fake_embedding;
using testing::fake_face;
using testing::fake_image;
using testing::JobWorld;
using testing::must;

using testing::bytes_of;

// Every file of DATA_DIR's folders has its row and every row its file (young files included:
// nothing else is writing).
void expect_storage_consistent(JobWorld& world) {
  const StorageReport report = must(check_storage(
      world.store, world.files, {.hash = true, .orphan_grace = std::chrono::seconds(0)}));
  for (const StorageProblem& p : report.problems) {
    ADD_FAILURE() << to_string(p.kind) << " " << p.key;
  }
}

class FaultInjectionTest : public ::testing::Test {
 protected:
  JobWorld world_;
  FailingStore failing_{world_.store};
  Events events_{failing_, world_.files};
  Photos photos_{failing_, world_.files, events_, world_.decoder, UploadLimits{}};
  Accounts accounts_{failing_, world_.files, world_.clock};
  Attendees attendees_{failing_, world_.files, accounts_, events_, world_.decoder, UploadLimits{}};
};

TEST_F(FaultInjectionTest, UploadFailingAtEveryStoreCallLeavesNothingHalfWritten) {
  int rounds = 0;
  for (std::int64_t n = 1;; ++n) {
    const std::string bytes = fake_image("photo" + std::to_string(n), 640, 480);
    const UploadedFile file{"p.jpg", bytes_of(bytes)};
    failing_.fail_on(n);
    Result<UploadOutcome> first = photos_.upload(world_.organizer, world_.event.code, {&file, 1});
    const bool failed = !first;
    failing_.fail_on(0);
    if (failed) {
      EXPECT_EQ(first.error().code, Errc::unavailable) << "n=" << n;
      EXPECT_FALSE(
          must(world_.store.find_photo_by_content(world_.event.id, sha256_hex(bytes_of(bytes)))))
          << "a failed upload left a row, n=" << n;
      expect_storage_consistent(world_);
    }
    // The client retries: exactly one photo, with its file and its job.
    Result<UploadOutcome> retried = photos_.upload(world_.organizer, world_.event.code, {&file, 1});
    ASSERT_TRUE(retried) << retried.error().message;
    ASSERT_EQ(retried->accepted.size(), 1U);
    EXPECT_EQ(retried->accepted[0].duplicate, !failed) << "n=" << n;
    expect_storage_consistent(world_);
    ++rounds;
    if (!failed) break;  // the n-th call was past the operation's last: every point was tried
  }
  EXPECT_GE(rounds, 3) << "the upload makes several store calls";
  EXPECT_EQ(must(world_.store.list_event_photos(world_.event.id)).size(),
            static_cast<std::size_t>(rounds));
}

// The answer of every store call of an upload lost after the call went through (PostgreSQL
// reports a commit cut off by a dying connection as a failure even when it committed): the
// client is told to retry, and whether the row was stored or not, its file is there, and the
// retry gives exactly one photo. Found by the PostgreSQL outage test: the upload removed the file
// of a photo whose row had committed, and the photo could never be indexed.
TEST_F(FaultInjectionTest, UploadWhoseStoreAnswerIsLostKeepsTheFileOfAStoredRow) {
  int rounds = 0;
  for (std::int64_t n = 1;; ++n) {
    const std::string bytes = fake_image("lost" + std::to_string(n), 640, 480);
    const UploadedFile file{"p.jpg", bytes_of(bytes)};
    failing_.lose_answer_of(n);
    Result<UploadOutcome> first = photos_.upload(world_.organizer, world_.event.code, {&file, 1});
    const bool failed = !first;
    failing_.fail_on(0);
    if (failed) {
      EXPECT_EQ(first.error().code, Errc::unavailable) << "n=" << n;
      expect_storage_consistent(world_);  // a stored row has its file; no file without a row
    }
    Result<UploadOutcome> retried = photos_.upload(world_.organizer, world_.event.code, {&file, 1});
    ASSERT_TRUE(retried) << retried.error().message;
    ASSERT_EQ(retried->accepted.size(), 1U);
    expect_storage_consistent(world_);
    ++rounds;
    if (!failed) break;
  }
  EXPECT_GE(rounds, 3) << "the upload makes several store calls";
  EXPECT_EQ(must(world_.store.list_event_photos(world_.event.id)).size(),
            static_cast<std::size_t>(rounds));
}

// The same for a selfie: a selfie row stored with a lost answer keeps its image (an orphan image
// without a row is allowed: `findme check --repair` removes it; a row without its image is not).
TEST_F(FaultInjectionTest, SelfieWhoseStoreAnswerIsLostKeepsTheImageOfAStoredRow) {
  const User ada = *must(world_.store.find_user(world_.add_attendee("ada")));
  const std::string bytes = fake_image("ada", 640, 480);
  for (std::int64_t n = 1;; ++n) {
    failing_.lose_answer_of(n);
    Result<Job> sent = attendees_.upload_selfie(ada, world_.event.code, bytes_of(bytes));
    failing_.fail_on(0);
    const StorageReport report = must(check_storage(
        world_.store, world_.files, {.hash = true, .orphan_grace = std::chrono::seconds(0)}));
    for (const StorageProblem& p : report.problems) {
      EXPECT_NE(p.kind, StorageProblem::Kind::missing_file) << "n=" << n << " " << p.key;
    }
    if (sent) break;
    EXPECT_EQ(sent.error().code, Errc::unavailable) << "n=" << n;
  }
}

TEST_F(FaultInjectionTest, IndexingFailingAtEveryStoreCallEndsIndexedOnceByRetrying) {
  world_.script.set("crowd", {fake_face(fake_embedding(1)), fake_face(fake_embedding(7))});
  JobContext context{failing_, world_.files, world_.decoder, world_.index};
  testing::FakeFaceEngine engine{world_.script};
  JobRunner runner{context, engine, {}};
  int rounds = 0;
  for (std::int64_t n = 1;; ++n) {
    const store::PhotoAndJob added = world_.add_photo(fake_image("crowd", 800, 600));
    bool failed_once = false;
    // The worker pool's loop: claim, run through the failing store, settle, retry after backoff.
    for (int attempt = 0; attempt < 10; ++attempt) {
      std::optional<Job> claimed = must(world_.store.claim_next_job({.worker = "w"}));
      ASSERT_TRUE(claimed) << "n=" << n << ": the job was lost";
      ASSERT_EQ(claimed->id, added.job.id);
      failing_.fail_on(attempt == 0 ? n : 0);
      Result<std::string> result = runner.run(*claimed);
      failing_.fail_on(0);
      if (result) {
        must(world_.store.complete_job(claimed->id, *result));
        break;
      }
      failed_once = true;
      EXPECT_EQ(result.error().code, Errc::unavailable) << result.error().message;
      const std::optional<Job> after =
          must(world_.store.fail_job(claimed->id, job_failure(*claimed, result.error())));
      ASSERT_TRUE(after && after->status == JobStatus::queued) << "n=" << n;
      world_.clock.advance(std::chrono::minutes(1));
    }
    const Photo photo = world_.photo(added.photo.id);
    EXPECT_EQ(photo.status, PhotoStatus::indexed) << "n=" << n;
    EXPECT_EQ(photo.face_count, 2) << "n=" << n;
    EXPECT_EQ(must(world_.store.list_photo_faces(added.photo.id)).size(), 2U)
        << "faces saved twice or lost, n=" << n;
    EXPECT_FALSE(photo.thumbnail_key.empty());
    expect_storage_consistent(world_);
    ++rounds;
    if (!failed_once) break;
  }
  EXPECT_GE(rounds, 2) << "indexing makes several store calls";
}

}  // namespace
}  // namespace findme::domain
