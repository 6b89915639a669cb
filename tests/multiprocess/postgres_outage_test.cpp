// PostgreSQL stopped under load and started again: while it is down /readyz says 503 and requests
// fail fast with 503 `unavailable`; afterwards the same process serves again by itself, and every
// upload it acknowledged (202) is kept and indexed. Runs on a private cluster (it is stopped).
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "multiprocess/multiprocess_steps.h"

namespace findme::integration {
namespace {

// Runs tools/pg_test_cluster.sh; its stdout (the URL for "start") is returned.
std::string pg_cluster(const std::string& command, const std::filesystem::path& dir) {
  const std::string script = std::string(FINDME_SOURCE_DIR) + "/tools/pg_test_cluster.sh";
  const std::string line = script + " " + command + " " + dir.string();
  std::FILE* out = ::popen(line.c_str(), "r");
  if (out == nullptr) throw std::runtime_error("popen failed: " + line);
  std::string text;
  char buf[256];
  while (std::fgets(buf, sizeof buf, out) != nullptr) text += buf;
  if (::pclose(out) != 0) throw std::runtime_error(line + " failed");
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// A throwaway cluster of its own, removed at the end.
class PrivateCluster {
 public:
  PrivateCluster() : url_(pg_cluster("start", dir_.path())) {}
  ~PrivateCluster() {
    try {
      pg_cluster("stop", dir_.path());
    } catch (const std::exception&) {  // the folder goes with the TempDir anyway
    }
  }
  PrivateCluster(const PrivateCluster&) = delete;
  PrivateCluster& operator=(const PrivateCluster&) = delete;
  const std::string& url() const { return url_; }
  void kill() { pg_cluster("kill", dir_.path()); }
  void resume() { pg_cluster("resume", dir_.path()); }

 private:
  TempDir dir_;
  std::string url_;
};

struct UploadLog {
  std::mutex mu;
  std::vector<std::string> acknowledged_jobs;  // 202: the photo must never be lost
  int unavailable = 0;                         // 503 unavailable, as expected while down
  std::vector<std::string> unexpected;         // anything else
  double slowest_failure_s = 0.0;
};

// Uploads one small photo after another until `stop`, recording every outcome.
void upload_loop(const HttpClient& organizer, const std::string& code, const std::string& photo,
                 const std::atomic<bool>& stop, UploadLog& log) {
  for (int n = 0; !stop.load(); ++n) {
    Multipart form;
    const std::string name = "load-" + std::to_string(n) + ".jpg";
    form.file("photos", name, jpeg_copy(photo, name));  // distinct bytes: one photo each
    const auto started = Clock::now();
    HttpResponse r = organizer.post_multipart("/api/events/" + code + "/photos", form);
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    std::lock_guard lock(log.mu);
    if (r.status == 202 && r.json_body()["photos"].size() == 1) {
      log.acknowledged_jobs.push_back(r.json_body()["photos"][0]["job_id"].get<std::string>());
    } else if (is_error(r, 503, "unavailable")) {
      ++log.unavailable;
      log.slowest_failure_s = std::max(log.slowest_failure_s, seconds);
    } else {
      log.unexpected.push_back(r.describe());
    }
  }
}

TEST(PostgresOutageTest, RestartUnderLoadLosesNoAcknowledgedUploadAndRecovers) {
  PrivateCluster pg;
  TestServer server({{"DATABASE_URL", pg.url()}, {"MATCHING_THREAD_POOL_SIZE", "1"}});
  HttpClient organizer = sign_up_organizer(server.port(), unique_email("organizer"));
  const std::string code = create_event(organizer, "Outage");
  const std::string photo = scaled_jpeg(sample_bytes(2), 0.5);

  UploadLog log;
  std::atomic<bool> stop{false};
  std::thread loader([&] { upload_loop(organizer, code, photo, stop, log); });
  const HttpClient anonymous(server.port());
  const bool uploading = eventually([&] {
    std::lock_guard lock(log.mu);
    return log.acknowledged_jobs.size() >= 3 || !log.unexpected.empty();
  });
  if (!uploading || !log.unexpected.empty()) {
    stop = true;
    loader.join();
    FAIL() << "uploads do not work: " << (log.unexpected.empty() ? "" : log.unexpected.front());
  }

  pg.kill();
  EXPECT_TRUE(eventually([&] { return anonymous.get("/readyz").status == 503; }));
  const auto started = Clock::now();
  HttpResponse down = anonymous.get("/api/events/" + code);
  EXPECT_TRUE(is_error(down, 503, "unavailable"));
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(2)) << "a request must fail fast";
  EXPECT_TRUE(eventually([&] {
    std::lock_guard lock(log.mu);
    return log.unavailable >= 3;
  }));

  pg.resume();
  EXPECT_TRUE(eventually([&] { return anonymous.get("/readyz").status == 200; }));
  const std::size_t before_recovery = [&] {
    std::lock_guard lock(log.mu);
    return log.acknowledged_jobs.size();
  }();
  EXPECT_TRUE(eventually([&] {
    std::lock_guard lock(log.mu);
    return log.acknowledged_jobs.size() >= before_recovery + 3;
  }));
  stop = true;
  loader.join();

  EXPECT_TRUE(log.unexpected.empty()) << log.unexpected.front();
  EXPECT_LT(log.slowest_failure_s, 5.0);
  // Every acknowledged upload is there and gets indexed by the same (never restarted) process.
  const std::map<std::string, json> ended = wait_for_jobs(organizer, log.acknowledged_jobs);
  for (const auto& [id, job] : ended) EXPECT_EQ(job["status"], "done") << job.dump();
  const json stats = get_json(organizer, "/api/events/" + code + "/stats");
  // More than acknowledged only if a commit raced the kill (the client saw 503 for a stored
  // photo, which is then indexed like any other).
  EXPECT_GE(stats["photos"]["total"].get<std::size_t>(), log.acknowledged_jobs.size())
      << stats.dump();
  EXPECT_TRUE(eventually([&] {
    const json now = get_json(organizer, "/api/events/" + code + "/stats");
    return now["photos"]["indexed"] == now["photos"]["total"];
  })) << server.log();
}

}  // namespace
}  // namespace findme::integration
