// A full DATA_DIR loses nothing (issue #12): the real binary with DATA_DIR on a small tmpfs.
// Uploads that do not fit are refused with 503 and Retry-After and leave no partial file and no
// row; indexing that cannot write its thumbnail is retried until space returns, then completes
// by itself; `findme check` finds nothing wrong either way. Mounting needs root (CAP_SYS_ADMIN):
// elsewhere the test is skipped and says why.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include "integration/api_steps.h"
#include "integration/http_client.h"
#include "integration/server_process.h"
#include "integration/test_images.h"

namespace findme::integration {
namespace {

// A tmpfs of `megabytes` at `path`, unmounted on destruction.
class Tmpfs {
 public:
  Tmpfs(const std::filesystem::path& path, int megabytes) : path_(path) {
    std::filesystem::create_directories(path);
    const std::string options = "size=" + std::to_string(megabytes) + "m";
    if (::mount("tmpfs", path.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      error_ = std::strerror(errno);
    }
  }
  Tmpfs(const Tmpfs&) = delete;
  Tmpfs& operator=(const Tmpfs&) = delete;
  ~Tmpfs() {
    if (error_.empty()) ::umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  std::filesystem::path path_;
  std::string error_;
};

std::uintmax_t free_bytes(const std::filesystem::path& path) {
  struct statvfs s {};
  if (::statvfs(path.c_str(), &s) != 0) return 0;
  return static_cast<std::uintmax_t>(s.f_bavail) * s.f_frsize;
}

// Takes the free space of `dir`'s file system down to about `leave` bytes with a filler file
// outside the folders findme uses; returns the filler's path.
std::filesystem::path fill(const std::filesystem::path& dir, std::uintmax_t leave) {
  std::filesystem::path filler = dir / "filler";
  std::ofstream out(filler, std::ios::binary | std::ios::app);
  const std::string block(std::size_t{64} * 1024, 'f');
  while (free_bytes(dir) > leave + block.size()) {
    out.write(block.data(), static_cast<std::streamsize>(block.size()));
    out.flush();
    if (!out) break;
  }
  std::string last(free_bytes(dir) > leave ? free_bytes(dir) - leave : 0, 'f');
  out.write(last.data(), static_cast<std::streamsize>(last.size()));
  out.flush();
  return filler;
}

std::vector<NamedFile> photos(const std::string& tag, int count) {
  std::vector<NamedFile> files;
  for (int n = 1; n <= count; ++n) {
    const std::string name = tag + "-" + std::to_string(n) + ".jpg";
    files.push_back({name, jpeg_copy(scaled_jpeg(sample_bytes(n), 0.25), name)});
  }
  return files;
}

TEST(DiskFullTest, FullDataDirRefusesUploadsThenRecoversAndIndexingResumesByItself) {
  TempDir dir;
  Tmpfs disk(dir.path() / "disk", 16);
  if (!disk.mounted()) {
    GTEST_SKIP() << "cannot mount a tmpfs here (" << disk.error() << "): needs root";
  }
  const std::filesystem::path data_dir = dir.path() / "disk";
  TestServer server({{"DATA_DIR", data_dir.string()}, {"MATCHING_THREAD_POOL_SIZE", "1"}});
  HttpClient organizer = sign_up_organizer(server.port(), unique_email("organizer"));
  const std::string code = create_event(organizer, "Full Disk");

  // 1. No room at all: the upload is refused as a whole, with a time to retry, and nothing of it
  //    is kept (no file, no row, no partial file).
  std::filesystem::path filler = fill(data_dir, 0);
  Multipart form;
  for (const NamedFile& f : photos("refused", 2)) form.file("photos", f.filename, f.bytes);
  const HttpResponse refused = organizer.post_multipart("/api/events/" + code + "/photos", form);
  EXPECT_TRUE(is_error(refused, 503, "unavailable"));
  EXPECT_FALSE(refused.header("retry-after").empty()) << refused.describe();
  EXPECT_EQ(get_json(organizer, "/api/events/" + code + "/photos")["photos"].size(), 0u);
  const json ready = HttpClient(server.port()).get("/readyz").json_body();
  EXPECT_LT(ready.value("data_dir_free_bytes", std::uint64_t{1} << 40), 64u * 1024) << ready.dump();
  auto [status, output] = server.check("--hash --grace-minutes 0");
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("no problem"), std::string::npos) << output;

  // 2. Room for the originals but not for their thumbnails: the upload is accepted, indexing
  //    fails for want of space and is retried (never ended failed), and completes once space
  //    returns, with no one doing anything.
  std::filesystem::remove(filler);
  const std::vector<NamedFile> later = photos("later", 2);
  std::uintmax_t originals = 0;  // in whole pages, as tmpfs counts them
  for (const NamedFile& f : later) originals += (f.bytes.size() + 4095) / 4096 * 4096;
  filler = fill(data_dir, originals + 4096);
  const json accepted = upload_photos(organizer, code, later);
  ASSERT_EQ(accepted["photos"].size(), 2u) << accepted.dump();
  ASSERT_TRUE(eventually([&] { return server.log().find("will retry") != std::string::npos; },
                         std::chrono::milliseconds(100)))
      << "indexing never hit the full disk: " << server.log();
  std::filesystem::remove(filler);
  for (const json& p : accepted["photos"]) {
    EXPECT_EQ(wait_for_job(organizer, p["job_id"].get<std::string>())["status"], "done")
        << server.log();
  }
  const json stats = get_json(organizer, "/api/events/" + code + "/stats");
  EXPECT_EQ(stats["photos"]["indexed"], 2) << stats.dump();
  EXPECT_EQ(stats["photos"]["failed"], 0) << stats.dump();

  // 3. The refused upload, sent again with room: accepted as new photos.
  const json again = upload_photos(organizer, code, photos("refused", 2));
  ASSERT_EQ(again["photos"].size(), 2u) << again.dump();
  for (const json& p : again["photos"]) {
    EXPECT_EQ(wait_for_job(organizer, p["job_id"].get<std::string>())["status"], "done");
  }
  std::tie(status, output) = server.check("--hash --grace-minutes 0");
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(server.stop(), 0) << server.log();
}

// The database itself on the full disk (SQLite: its WAL and pages cannot grow). Every write is
// either done or refused 503 with Retry-After, never a 500 or a crash; reads go on; once space
// returns writes succeed again by themselves, nothing acknowledged is lost across a restart,
// and `findme check` finds nothing wrong.
TEST(DiskFullTest, DatabaseOnAFullDiskRefusesWritesThenRecoversAndLosesNothing) {
  if (on_postgres()) {
    GTEST_SKIP() << "the PostgreSQL server's disk is not this test's to fill";
  }
  TempDir dir;
  Tmpfs disk(dir.path() / "disk", 16);
  if (!disk.mounted()) {
    GTEST_SKIP() << "cannot mount a tmpfs here (" << disk.error() << "): needs root";
  }
  const std::filesystem::path data_dir = dir.path() / "disk";
  TestServer server({{"DATA_DIR", data_dir.string()},
                     {"DATABASE_URL", "sqlite:" + (data_dir / "findme.db").string()},
                     {"MATCHING_THREAD_POOL_SIZE", "1"}});
  HttpClient organizer = sign_up_organizer(server.port(), unique_email("organizer"));
  const std::string code = create_event(organizer, "Full Database");

  // Writes until the database cannot grow (with the disk this full, the first write already
  // cannot): each is done (201) or refused (503, Retry-After).
  std::filesystem::path filler = fill(data_dir, 0);
  int created = 1;
  HttpResponse refused;
  for (int n = 0; n < 5000 && refused.status == 0; ++n) {
    HttpResponse r = organizer.post_json("/api/events", {{"name", "Event " + std::to_string(n)}});
    if (r.status == 201) {
      ++created;
    } else {
      refused = r;
    }
  }
  ASSERT_TRUE(is_error(refused, 503, "unavailable")) << "created " << created;
  EXPECT_FALSE(refused.header("retry-after").empty()) << refused.describe();
  EXPECT_EQ(HttpClient(server.port()).get("/api/events/" + code).status, 200);
  EXPECT_EQ(get_json(organizer, "/api/events")["events"].size(), static_cast<std::size_t>(created));

  // Space returns: writes succeed with no one doing anything, a selfie included.
  std::filesystem::remove(filler);
  ASSERT_TRUE(eventually([&] {
    return organizer.post_json("/api/events", {{"name", "After"}}).status == 201;
  }));
  ++created;
  Attendee her = register_attendee(server.port(), code, unique_email("her"), her_selfie());
  EXPECT_EQ(
      wait_for_job(her.client, her.registration["match_job"]["id"].get<std::string>())["status"],
      "done");

  // Nothing acknowledged is lost, and the database and files agree, after a restart too.
  EXPECT_EQ(server.stop(), 0) << server.log();
  server.start();
  HttpClient after(server.port());
  after.set_token(organizer.token());
  EXPECT_EQ(get_json(after, "/api/events")["events"].size(), static_cast<std::size_t>(created));
  auto [status, output] = server.check("--hash --grace-minutes 0");
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(server.stop(), 0) << server.log();
}

}  // namespace
}  // namespace findme::integration
