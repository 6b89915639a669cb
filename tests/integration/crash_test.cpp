// Crash safety of the real binary: SIGKILL while photos are being indexed, restart on the same
// DATA_DIR, and every acknowledged photo ends indexed exactly once (no lost job, no duplicate
// faces). Then a graceful restart keeps accounts, sessions and photos.
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "integration/api_steps.h"
#include "integration/http_client.h"
#include "integration/server_process.h"
#include "integration/test_images.h"

namespace findme::integration {
namespace {

// 2 x 6 copies uploaded before the crash, after the 6 reference photos: 18 uploads in all.
constexpr int kRounds = 2;

// One worker, so that a queue builds up; a short job lease, so that the job the killed process
// was running is claimed again soon after the restart (the default lease is 2 minutes).
Env crash_env() { return {{"MATCHING_THREAD_POOL_SIZE", "1"}, {"JOB_LEASE_SECONDS", "3"}}; }

// face_count of each photo of the event, by filename.
std::map<std::string, int> face_counts(const HttpClient& organizer, const std::string& code) {
  std::map<std::string, int> counts;
  const json list = get_json(organizer, "/api/events/" + code + "/photos");
  for (const json& p : list["photos"]) {
    counts[p["filename"].get<std::string>()] = p["face_count"].get<int>();
  }
  return counts;
}

json stats_of(const HttpClient& organizer, const std::string& code) {
  return get_json(organizer, "/api/events/" + code + "/stats");
}

TEST(CrashTest, KilledWhileIndexingThenRestartedIndexesEveryPhotoOnce) {
  TestServer server(crash_env());
  HttpClient organizer = sign_up_organizer(server.port(), unique_email("organizer"));
  const std::string code = create_event(organizer, "Crash Night");

  // Reference: the six samples (half size: 960 px) indexed on a clean run.
  std::vector<NamedFile> samples;
  for (int n = 1; n <= 6; ++n) {
    samples.push_back({"sample" + std::to_string(n), scaled_jpeg(sample_bytes(n), 0.5)});
  }
  std::vector<std::string> jobs;
  const json first = upload_photos(organizer, code, samples);
  ASSERT_EQ(first["photos"].size(), 6u) << first.dump();
  for (const json& p : first["photos"]) {
    jobs.push_back(p["job_id"].get<std::string>());
    ASSERT_EQ(wait_for_job(organizer, jobs.back())["status"], "done");
  }
  const std::map<std::string, int> reference = face_counts(organizer, code);
  ASSERT_EQ(reference.size(), 6u);
  int reference_faces = 0;
  for (const auto& [name, faces] : reference) {
    reference_faces += faces;
  }

  // Copies uploaded a batch of six per request: each acknowledged photo must end indexed. A batch
  // queues faster than one worker indexes, so the kill below finds indexing in progress.
  for (int round = 0; round < kRounds; ++round) {
    std::vector<NamedFile> copies;
    copies.reserve(samples.size());
    for (const NamedFile& sample : samples) {
      const std::string name = sample.filename + "-copy" + std::to_string(round);
      copies.push_back({name, jpeg_copy(sample.bytes, name)});
    }
    const json answer = upload_photos(organizer, code, copies);
    ASSERT_EQ(answer["photos"].size(), 6u) << answer.dump();
    for (const json& p : answer["photos"]) {
      jobs.push_back(p["job_id"].get<std::string>());
    }
  }
  const int total = 6 * (kRounds + 1);

  // Kill once indexing has progressed past the reference photos but is not finished.
  json before;
  ASSERT_TRUE(eventually(
      [&] {
        before = stats_of(organizer, code);
        return before["photos"]["indexed"].get<int>() > 6 &&
               before["photos"]["queued"].get<int>() >= 2;
      },
      std::chrono::milliseconds(20)))
      << "indexing finished before the kill: " << before.dump();
  server.crash();

  server.start();
  HttpClient after(server.port());
  after.set_token(organizer.token());  // sessions are durable
  json stats;
  ASSERT_TRUE(eventually([&] {
    stats = stats_of(after, code);
    return stats["photos"]["indexed"].get<int>() + stats["photos"]["failed"].get<int>() == total;
  })) << "not every photo was indexed after the restart: "
      << stats.dump() << "\n"
      << server.log();
  EXPECT_EQ(stats["photos"]["total"], total) << stats.dump();
  EXPECT_EQ(stats["photos"]["indexed"], total) << stats.dump();
  EXPECT_EQ(stats["photos"]["failed"], 0) << stats.dump();
  EXPECT_EQ(stats["faces"], reference_faces * (kRounds + 1)) << "duplicate or lost faces";
  // The database and DATA_DIR agree after the kill: nothing missing, damaged or stranded. A kill
  // between writing a thumbnail and committing its row may leave that file behind: --repair
  // removes it (grace 0: every photo is indexed, nothing is being written), and a second check
  // finds nothing at all.
  const auto [repair_status, repair_output] = server.check("--hash --repair --grace-minutes 0");
  EXPECT_EQ(repair_status, 0) << repair_output;
  EXPECT_EQ(repair_output.find("missing_file"), std::string::npos) << repair_output;
  EXPECT_EQ(repair_output.find("stranded_photo"), std::string::npos) << repair_output;
  const auto [check_status, check_output] = server.check("--hash");
  EXPECT_EQ(check_status, 0) << check_output;
  EXPECT_NE(check_output.find("no problem"), std::string::npos) << check_output;

  for (const auto& [name, faces] : face_counts(after, code)) {
    EXPECT_EQ(faces, reference.at(name.substr(0, 7))) << name;
  }
  for (const std::string& job : jobs) {
    EXPECT_EQ(get_json(after, "/api/jobs/" + job)["job"]["status"], "done") << "job " << job;
  }

  // A graceful restart keeps everything: the session still works, the password signs in.
  const std::string email = get_json(after, "/api/me")["user"]["email"].get<std::string>();
  EXPECT_EQ(server.stop(), 0) << server.log();
  server.start();
  HttpClient again(server.port());
  again.set_token(organizer.token());
  EXPECT_EQ(get_json(again, "/api/events/" + code + "/photos")["photos"].size(),
            static_cast<std::size_t>(total));
  HttpResponse login = HttpClient(server.port())
                           .post_json("/api/login", {{"email", email}, {"password", kPassword}});
  EXPECT_EQ(login.status, 200) << login.describe();
  EXPECT_EQ(server.stop(), 0) << server.log();
}

}  // namespace
}  // namespace findme::integration
