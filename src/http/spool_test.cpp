#include "http/spool.h"

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace findme::http {
namespace {

class SpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() /
        ("findme-spool-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  bool dir_is_empty() const { return std::filesystem::is_empty(dir_); }
  std::filesystem::path dir_;
};

TEST_F(SpoolTest, AppendedChunksAreMappedInOrder) {
  Result<SpoolWriter> spool = SpoolWriter::create(dir_);
  ASSERT_TRUE(spool) << spool.error().message;
  std::string big(300 * 1024, 'x');
  ASSERT_TRUE(spool->append("head-"));
  ASSERT_TRUE(spool->append(big));
  ASSERT_TRUE(spool->append("-tail"));
  EXPECT_EQ(spool->size(), big.size() + 10);
  Result<MappedFile> mapped = spool->finish();
  ASSERT_TRUE(mapped) << mapped.error().message;
  EXPECT_EQ(mapped->data(), "head-" + big + "-tail");
}

TEST_F(SpoolTest, LeavesNoFileBehindEvenWhileOpen) {
  Result<SpoolWriter> spool = SpoolWriter::create(dir_);
  ASSERT_TRUE(spool);
  ASSERT_TRUE(spool->append("bytes"));
  EXPECT_TRUE(dir_is_empty());  // anonymous: a killed process leaves no upload on disk
  Result<MappedFile> mapped = spool->finish();
  ASSERT_TRUE(mapped);
  EXPECT_EQ(mapped->data(), "bytes");
  EXPECT_TRUE(dir_is_empty());
}

TEST_F(SpoolTest, EmptySpoolMapsToEmptyData) {
  Result<SpoolWriter> spool = SpoolWriter::create(dir_);
  ASSERT_TRUE(spool);
  Result<MappedFile> mapped = spool->finish();
  ASSERT_TRUE(mapped);
  EXPECT_TRUE(mapped->data().empty());
}

TEST_F(SpoolTest, FinishedWriterRefusesMoreBytes) {
  Result<SpoolWriter> spool = SpoolWriter::create(dir_);
  ASSERT_TRUE(spool);
  ASSERT_TRUE(spool->finish());
  Result<void> late = spool->append("late");
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, Errc::internal);
}

TEST_F(SpoolTest, MissingDirectoryIsAnInternalErrorNamingIt) {
  Result<SpoolWriter> spool = SpoolWriter::create(dir_ / "missing");
  ASSERT_FALSE(spool);
  EXPECT_EQ(spool.error().code, Errc::internal);
  EXPECT_NE(spool.error().message.find("missing"), std::string::npos);
}

}  // namespace
}  // namespace findme::http
