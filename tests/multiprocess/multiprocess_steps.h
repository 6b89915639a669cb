// Steps for tests that run several `findme serve` processes on one PostgreSQL database and one
// DATA_DIR (the scale-out setup of README "Running on PostgreSQL"). Test-only, header-only.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "integration/api_steps.h"
#include "integration/http_client.h"
#include "integration/server_process.h"
#include "integration/test_images.h"

namespace findme::integration {

// Several processes sharing one data directory and one database. Not thread-safe.
class Cluster {
 public:
  Cluster(std::string database_url, Env overrides)
      : url_(std::move(database_url)), overrides_(std::move(overrides)) {
    std::filesystem::create_directories(data_dir());
    overrides_["DATABASE_URL"] = url_;
  }
  std::filesystem::path data_dir() const { return dir_.path() / "data"; }

  // Starts one more process; returns its index.
  std::size_t start() {
    const std::string n = std::to_string(++runs_);
    processes_.push_back(std::make_unique<ServerProcess>(data_dir(), overrides_,
                                                         dir_.path() / ("stdout-" + n + ".log"),
                                                         dir_.path() / ("stderr-" + n + ".log")));
    return processes_.size() - 1;
  }
  ServerProcess& process(std::size_t i) { return *processes_.at(i); }
  std::uint16_t port(std::size_t i) { return processes_.at(i)->port(); }
  std::string logs() const {
    std::string out;
    for (int n = 1; n <= runs_; ++n) {
      out += "--- process " + std::to_string(n) + " stderr ---\n" +
             read_text_file(dir_.path() / ("stderr-" + std::to_string(n) + ".log"));
    }
    return out;
  }

 private:
  TempDir dir_;
  std::string url_;
  Env overrides_;
  std::vector<std::unique_ptr<ServerProcess>> processes_;
  int runs_ = 0;
};

// The job as seen now (no long poll: a job finished by another process does not wake this
// process's waiters, so polling keeps the test independent of which process ran it).
inline json job_now(const HttpClient& owner, const std::string& job_id) {
  return get_json(owner, "/api/jobs/" + job_id)["job"];
}

// Polls until every job ended (done or failed); returns them by id.
inline std::map<std::string, json> wait_for_jobs(const HttpClient& owner,
                                                 const std::vector<std::string>& ids) {
  std::map<std::string, json> ended;
  EXPECT_TRUE(eventually(
      [&] {
        for (const std::string& id : ids) {
          if (ended.count(id) != 0) continue;
          json job = job_now(owner, id);
          if (job["status"] == "done" || job["status"] == "failed") ended[id] = job;
        }
        return ended.size() == ids.size();
      },
      std::chrono::milliseconds(250)))
      << ended.size() << " of " << ids.size() << " jobs ended";
  return ended;
}

// The six samples at half size (fast to index, also under ASan), named "<prefix>sample<n>".
inline std::vector<NamedFile> half_size_samples(const std::string& prefix) {
  std::vector<NamedFile> files;
  for (int n = 1; n <= 6; ++n) {
    const std::string name = prefix + "sample" + std::to_string(n);
    // Distinct bytes per prefix: the service keeps one photo per content and event.
    files.push_back({name, jpeg_copy(scaled_jpeg(sample_bytes(n), 0.5), name)});
  }
  return files;
}

}  // namespace findme::integration
