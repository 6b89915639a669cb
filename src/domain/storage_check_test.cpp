#include "domain/storage_check.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "domain/photos.h"
#include "domain/testing/job_test_world.h"

namespace findme::domain {
namespace {

using testing::fake_image;
using testing::JobWorld;
using testing::must;

namespace fs = std::filesystem;

std::vector<StorageProblem::Kind> kinds(const StorageReport& report) {
  std::vector<StorageProblem::Kind> out;
  for (const StorageProblem& p : report.problems) out.push_back(p.kind);
  return out;
}

class StorageCheckTest : public ::testing::Test {
 protected:
  // Uploads one photo through Photos (file, row, job) and returns it with its job.
  store::PhotoAndJob upload(const std::string& name) {
    const std::string bytes = fake_image(name, 64, 48);
    const UploadedFile file{name + ".jpg", std::as_bytes(std::span(bytes))};
    Result<UploadOutcome> out = photos_.upload(world_.organizer, world_.event.code, {&file, 1});
    EXPECT_TRUE(out && out->accepted.size() == 1);
    return out->accepted.front();
  }
  fs::path path_of(const std::string& key) { return must(world_.files.path_of(key)); }

  JobWorld world_;
  Events events_{world_.store, world_.files};
  Photos photos_{world_.store, world_.files, events_, world_.decoder, UploadLimits{}};
};

TEST_F(StorageCheckTest, AConsistentStoreIsClean) {
  upload("a");
  upload("b");
  Result<StorageReport> report = check_storage(world_.store, world_.files, {.hash = true});
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_TRUE(report->clean()) << to_string(report->problems.front().kind);
  EXPECT_EQ(report->rows_checked, 2u);
  EXPECT_EQ(report->files_checked, 2u);
}

TEST_F(StorageCheckTest, FindsAndRepairsWhatACrashOrAnOperatorLeft) {
  const store::PhotoAndJob gone = upload("gone");
  const store::PhotoAndJob damaged = upload("damaged");
  const store::PhotoAndJob stranded = upload("stranded");
  fs::remove(path_of(gone.photo.storage_key));
  std::ofstream(path_of(damaged.photo.storage_key), std::ios::app) << "x";
  // The stranded photo's job ended without indexing it (e.g. a job row lost to a bad restore).
  ASSERT_TRUE(world_.store.complete_job(stranded.job.id, "{}"));
  const std::string orphan = world_.files.new_key(FileKind::photo, "jpg");
  const std::string orphan_bytes = "orphan";
  ASSERT_TRUE(world_.files.write(orphan, std::as_bytes(std::span(orphan_bytes))));
  const fs::path partial = path_of(orphan).string() + ".tmp-abcdef";
  std::ofstream(partial) << "half";

  Result<StorageReport> found = check_storage(world_.store, world_.files, {});
  ASSERT_TRUE(found) << found.error().message;
  using K = StorageProblem::Kind;
  const std::vector<K> expected{K::missing_file, K::wrong_size, K::orphan_file, K::partial_file,
                                K::stranded_photo};
  std::vector<K> got = kinds(*found);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, expected);

  // New files are left alone (an upload may be in flight); past the grace they go.
  Result<StorageReport> young = check_storage(world_.store, world_.files, {.repair = true});
  ASSERT_TRUE(young) << young.error().message;
  EXPECT_TRUE(fs::exists(path_of(orphan)));
  Result<StorageReport> repaired = check_storage(
      world_.store, world_.files, {.repair = true, .orphan_grace = std::chrono::seconds(0)});
  ASSERT_TRUE(repaired) << repaired.error().message;
  EXPECT_FALSE(fs::exists(path_of(orphan)));
  EXPECT_FALSE(fs::exists(partial));
  EXPECT_EQ(must(world_.store.find_photo(gone.photo.id))->status, PhotoStatus::failed);
  EXPECT_EQ(must(world_.store.find_photo(gone.photo.id))->error, "file_missing");

  // What is left: the damaged file (an operator decides); the stranded photo is queued again.
  Result<StorageReport> after = check_storage(world_.store, world_.files, {});
  ASSERT_TRUE(after) << after.error().message;
  std::vector<K> left = kinds(*after);
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<K>{K::missing_file, K::wrong_size}));
  EXPECT_TRUE(must(world_.store.list_stranded_photos()).empty());
}

}  // namespace
}  // namespace findme::domain
