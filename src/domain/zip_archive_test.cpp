#include "domain/zip_archive.h"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

namespace findme::domain {
namespace {

namespace fs = std::filesystem;

// Reads the archive with Python's zipfile (CRC checked by testzip) and compares every entry with
// the file it came from. Prints "ok" and the names in archive order, or the failure.
constexpr const char* kCheckScript = R"PY(
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
bad = z.testzip()
if bad is not None:
    print("bad crc", bad); sys.exit(1)
pairs = sys.argv[2:]
names = [i.filename for i in z.infolist()]
for name, path in zip(pairs[0::2], pairs[1::2]):
    if z.read(name) != open(path, "rb").read():
        print("content differs", name); sys.exit(1)
print("ok"); print("\n".join(names))
)PY";

std::string run(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (!p) return "popen failed";
  std::array<char, 4096> buf{};
  std::size_t got = 0;
  while ((got = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), got);
  int status = pclose(p);
  if (status != 0) out += "\n(exit " + std::to_string(status) + ")";
  return out;
}

class ZipStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("findme-zip-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  ZipEntry file(const std::string& name, const std::string& bytes) {
    fs::path path = dir_ / ("src-" + std::to_string(count_++));
    std::ofstream(path, std::ios::binary) << bytes;
    return {name, path, bytes.size()};
  }

  // Drains the stream `chunk` bytes at a time into a file; returns its path.
  fs::path write(ZipStream& zip, std::size_t chunk) {
    fs::path out = dir_ / "out.zip";
    std::ofstream o(out, std::ios::binary);
    std::vector<char> buf(chunk);
    for (;;) {
      Result<std::size_t> n = zip.read(buf);
      EXPECT_TRUE(n) << n.error().message;
      if (!n || *n == 0) break;
      o.write(buf.data(), static_cast<std::streamsize>(*n));
    }
    return out;
  }

  std::string check(const fs::path& zip, const std::vector<ZipEntry>& sources,
                    const std::vector<std::string>& names) {
    fs::path script = dir_ / "check.py";
    std::ofstream(script) << kCheckScript;
    std::string cmd = "/usr/bin/python3 " + script.string() + " " + zip.string();
    for (std::size_t i = 0; i < sources.size(); ++i) {
      cmd += " '" + names[i] + "' " + sources[i].path.string();
    }
    return run(cmd + " 2>&1");
  }

  // Info-ZIP's unzip as a second reader, where installed (Python's zipfile is the required one).
  static void expect_unzip_accepts(const fs::path& zip) {
    if (!fs::exists("/usr/bin/unzip")) return;
    std::string tested = run("/usr/bin/unzip -tq " + zip.string() + " 2>&1");
    EXPECT_NE(tested.find("No errors detected"), std::string::npos) << tested;
  }

  static std::string random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 gen(seed);
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(gen() & 0xFF);
    return s;
  }

  fs::path dir_;
  int count_ = 0;
};

TEST_F(ZipStreamTest, Crc32MatchesTheStandardCheckValue) {
  const std::string nine = "123456789";
  EXPECT_EQ(crc32_update(0, nine), 0xCBF43926u);  // the CRC-32/ISO-HDLC check value
  EXPECT_EQ(crc32_update(crc32_update(0, nine.substr(0, 4)), nine.substr(4)), 0xCBF43926u);
}

TEST_F(ZipStreamTest, ArchiveIsReadableByPythonAndHasTheAnnouncedSize) {
  std::vector<ZipEntry> entries = {file("photo.jpg", random_bytes(300'000, 1)),
                                   file("photo.jpg", random_bytes(1000, 2)), file("empty.jpg", ""),
                                   file("Été à Paris.png", "café")};
  Result<ZipStream> zip = ZipStream::create(entries);
  ASSERT_TRUE(zip) << zip.error().message;

  fs::path out = write(*zip, 7);  // odd, tiny chunks cross every header boundary

  EXPECT_EQ(fs::file_size(out), zip->size());
  std::vector<std::string> names = {"photo.jpg", "photo (2).jpg", "empty.jpg", "Été à Paris.png"};
  EXPECT_EQ(check(out, entries, names),
            "ok\nphoto.jpg\nphoto (2).jpg\nempty.jpg\nÉté à Paris.png\n");
  expect_unzip_accepts(out);
}

TEST_F(ZipStreamTest, Zip64RecordsAreReadable) {
  std::vector<ZipEntry> entries = {file("a.jpg", random_bytes(70'000, 3)), file("b.jpg", "b")};
  Result<ZipStream> zip = ZipStream::create(entries, ZipOptions{.force_zip64 = true});
  ASSERT_TRUE(zip) << zip.error().message;

  fs::path out = write(*zip, std::size_t{64} * 1024);

  EXPECT_EQ(fs::file_size(out), zip->size());
  EXPECT_EQ(check(out, entries, {"a.jpg", "b.jpg"}), "ok\na.jpg\nb.jpg\n");
  expect_unzip_accepts(out);
}

TEST_F(ZipStreamTest, AFileThatChangedSizeFailsInsteadOfCorruptingTheArchive) {
  ZipEntry entry = file("a.jpg", "four");
  entry.size = 5;
  Result<ZipStream> zip = ZipStream::create({entry});
  ASSERT_TRUE(zip);
  std::vector<char> buf(1024);

  Result<std::size_t> n = zip->read(buf);

  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().code, Errc::unavailable);
}

TEST_F(ZipStreamTest, AMissingFileFails) {
  Result<ZipStream> zip = ZipStream::create({{"gone.jpg", dir_ / "gone", 10}});
  ASSERT_TRUE(zip);
  std::vector<char> buf(1024);

  Result<std::size_t> n = zip->read(buf);

  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().code, Errc::unavailable);
}

TEST_F(ZipStreamTest, NothingToArchiveOrANamelessEntryIsRefused) {
  Result<ZipStream> none = ZipStream::create({});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::invalid_request);

  Result<ZipStream> nameless = ZipStream::create({file("", "x")});
  ASSERT_FALSE(nameless);
  EXPECT_EQ(nameless.error().code, Errc::invalid_request);
}

TEST_F(ZipStreamTest, AnEntryOf4GiBIsRefused) {
  Result<ZipStream> zip = ZipStream::create({{"big.mov", dir_ / "big", 0xFFFFFFFFull}});
  ASSERT_FALSE(zip);
  EXPECT_EQ(zip.error().code, Errc::payload_too_large);
}

}  // namespace
}  // namespace findme::domain
