#include "domain/file_store.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

namespace findme::domain {
namespace {

TEST(FileStoreKeysTest, DerivedKeysAreStableAndDistinctNewKeysAreRandom) {
  const FileStore files("/nonexistent");
  const std::string a = files.derived_key(FileKind::thumbnail, "photos/ab/abc.jpg", "jpg");
  EXPECT_EQ(a, files.derived_key(FileKind::thumbnail, "photos/ab/abc.jpg", "jpg"));
  EXPECT_NE(a, files.derived_key(FileKind::thumbnail, "photos/ab/abd.jpg", "jpg"));
  EXPECT_EQ(a.rfind("thumbnails/", 0), 0U) << a;
  EXPECT_TRUE(files.path_of(a)) << "a key of the usual shape";
  EXPECT_NE(files.new_key(FileKind::photo, "jpg"), files.new_key(FileKind::photo, "jpg"));
}

// What write() stored, read() gives back whole: an empty file, one byte, and a file larger than
// the first read's buffer; a key without a file is Errc::not_found.
TEST(FileStoreReadTest, FilesOfAnySizeComeBackWhole) {
  const std::filesystem::path root =
      std::filesystem::temp_directory_path() / ("findme_file_store_" + std::to_string(::getpid()));
  const FileStore files(root);
  std::string large(3 * 1024 * 1024 + 17, '\0');
  for (std::size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>(i * 131 % 251);
  for (const std::string& bytes : {std::string(), std::string("x"), large}) {
    const std::string key = files.new_key(FileKind::photo, "bin");
    ASSERT_TRUE(files.write(key, std::as_bytes(std::span(bytes.data(), bytes.size()))));
    Result<std::string> read = files.read(key);
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_EQ(*read, bytes) << bytes.size() << " bytes";
  }
  Result<std::string> gone = files.read(files.new_key(FileKind::photo, "bin"));
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, Errc::not_found);
  std::filesystem::remove_all(root);
}

// A worker reads file after file into one buffer: each read gives exactly its file, whatever
// the buffer held before (larger, smaller or nothing).
TEST(FileStoreReadTest, ReadingIntoAReusedBufferGivesExactlyEachFile) {
  const std::filesystem::path root = std::filesystem::temp_directory_path() /
                                     ("findme_file_store_into_" + std::to_string(::getpid()));
  const FileStore files(root);
  std::string buffer = "left over from before";
  for (const std::size_t size : {std::size_t{2'000'000}, std::size_t{5}, std::size_t{0},
                                 std::size_t{300'000}, std::size_t{2'000'001}}) {
    std::string bytes(size, '\0');
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i + size) * 7 % 253);
    const std::string key = files.new_key(FileKind::photo, "bin");
    ASSERT_TRUE(files.write(key, std::as_bytes(std::span(bytes.data(), bytes.size()))));
    ASSERT_TRUE(files.read_into(key, buffer));
    EXPECT_EQ(buffer, bytes) << size << " bytes";
  }
  Result<void> gone = files.read_into(files.new_key(FileKind::photo, "bin"), buffer);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, Errc::not_found);
  std::filesystem::remove_all(root);
}

// A file whose size fstat does not tell (/proc's report 0) is read to its end all the same.
TEST(FileStoreReadTest, AFileOfUnknownSizeIsReadToItsEnd) {
  const std::filesystem::path root = std::filesystem::temp_directory_path() /
                                     ("findme_file_store_proc_" + std::to_string(::getpid()));
  const FileStore files(root);
  const std::string key = files.new_key(FileKind::photo, "bin");
  ASSERT_TRUE(files.write(key, std::as_bytes(std::span("placeholder", 11))));
  const std::filesystem::path path = *files.path_of(key);
  std::filesystem::remove(path);
  std::filesystem::create_symlink("/proc/self/cmdline", path);
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string expected{std::istreambuf_iterator<char>(in), {}};
  ASSERT_FALSE(expected.empty());

  std::string buffer;
  ASSERT_TRUE(files.read_into(key, buffer));
  EXPECT_EQ(buffer, expected);
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace findme::domain
