// Runs the real `findme serve` binary as a child process for integration tests: a controlled
// environment, a temporary DATA_DIR, port 0, and the serving line read from its stdout.
// Test-only and header-only (the suite compiles only *_test.cpp files).
#pragma once

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/testing/temp_dir.h"
#include "store/postgres/test_database.h"

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX, for posix_spawn

namespace findme::integration {

using Clock = std::chrono::steady_clock;
using Env = std::map<std::string, std::string>;

using findme::TempDir;

// How long a server may take to print its serving line (models load in ~1-2 s; an ASan build
// and a busy 2-core machine are several times slower).
inline constexpr std::chrono::seconds kStartTimeout{90};
inline constexpr std::chrono::seconds kStopTimeout{30};

inline std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The settings every test server starts from; `overrides` replace or add variables.
inline Env base_environment(const std::filesystem::path& data_dir) {
  return {
      {"HOST", "127.0.0.1"},
      {"PORT", "0"},
      {"DATA_DIR", data_dir.string()},
      {"DATABASE_URL", "sqlite:" + (data_dir / "findme.db").string()},
      {"MODEL_DIR", std::string(FINDME_FACE_API_DIR)},
      {"HTTP_THREADS", "2"},
      {"MATCHING_THREAD_POOL_SIZE", "2"},
      {"LOG_LEVEL", "info"},
      {"WEB_DIR", (data_dir / "no-web").string()},
  };
}

// One `findme serve` child process. Not thread-safe: one test thread drives it.
// The destructor SIGKILLs a child that is still running (a failed test), so no process leaks.
class ServerProcess {
 public:
  // Starts the binary on `data_dir` and waits for its serving line. Throws std::runtime_error
  // (with the child's stderr) when it exits or stays silent for kStartTimeout.
  ServerProcess(const std::filesystem::path& data_dir, const Env& overrides,
                std::filesystem::path out_path, std::filesystem::path log_path)
      : out_path_(std::move(out_path)), log_path_(std::move(log_path)) {
    Env env;
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string entry(*e);
      const std::size_t eq = entry.find('=');
      if (eq != std::string::npos) {
        env[entry.substr(0, eq)] = entry.substr(eq + 1);
      }
    }
    for (const auto& [k, v] : base_environment(data_dir)) {
      env[k] = v;
    }
    for (const auto& [k, v] : overrides) {
      env[k] = v;
    }
    spawn(env, data_dir.parent_path());
    wait_for_serving_line();
  }
  ~ServerProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string log() const { return read_text_file(log_path_); }
  // Everything the process wrote to stdout so far.
  std::string output() const { return read_text_file(out_path_); }

  // SIGTERM, then waits up to kStopTimeout. Returns the exit code; -signal when a signal ended
  // it; -1000 when it had to be killed after the timeout.
  int stop() { return end(SIGTERM); }
  // SIGKILL (a crash): returns once the process is gone.
  void kill() { (void)end(SIGKILL); }

 private:
  // stdout and stderr go to files, never to pipes: a child whose output nobody drains could
  // block on a full pipe in the middle of a test.
  void spawn(const Env& env, const std::filesystem::path& cwd) {
    std::vector<std::string> entries;
    entries.reserve(env.size());
    for (const auto& [k, v] : env) {
      entries.push_back(k);
      entries.back().append("=").append(v);
    }
    std::vector<char*> envp;
    envp.reserve(entries.size() + 1);
    for (std::string& e : entries) {
      envp.push_back(e.data());
    }
    envp.push_back(nullptr);
    std::string binary = FINDME_BINARY;
    std::string serve = "serve";
    char* argv[] = {binary.data(), serve.data(), nullptr};

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    constexpr int kFlags = O_WRONLY | O_CREAT | O_APPEND;
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path_.c_str(), kFlags, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_path_.c_str(), kFlags, 0644);
    posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    const int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv, envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      pid_ = -1;
      throw std::runtime_error("posix_spawn " + binary + ": " + std::strerror(rc));
    }
  }

  // Polls the stdout file for the serving line (the process may exit or hang instead).
  void wait_for_serving_line() {
    const std::string prefix = "findme is serving on http://127.0.0.1:";
    const auto deadline = Clock::now() + kStartTimeout;
    for (;;) {
      const std::string out = output();
      const std::size_t at = out.find(prefix);
      if (at != std::string::npos && out.find('\n', at) != std::string::npos) {
        port_ = static_cast<std::uint16_t>(std::stoi(out.substr(at + prefix.size())));
        return;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        fail_start("the server exited before serving (status " + std::to_string(status) + ")");
      }
      if (Clock::now() > deadline) {
        fail_start("no serving line within the start timeout");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling the file
    }
  }

  [[noreturn]] void fail_start(const std::string& why) {
    const int code = end(SIGKILL);
    throw std::runtime_error("findme serve: " + why + " (exit " + std::to_string(code) +
                             ")\n--- stdout ---\n" + output() + "\n--- stderr ---\n" + log());
  }

  int end(int signal) {
    if (pid_ <= 0) {
      return -1;
    }
    ::kill(pid_, signal);
    const auto deadline = Clock::now() + kStopTimeout;
    int status = 0;
    pid_t done = 0;
    while ((done = ::waitpid(pid_, &status, WNOHANG)) == 0 && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling the child's exit
    }
    int code = -1000;
    if (done == 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    } else if (WIFEXITED(status)) {
      code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      code = -WTERMSIG(status);
    }
    pid_ = -1;
    return code;
  }

  std::filesystem::path out_path_;
  std::filesystem::path log_path_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

// True when the suite runs on PostgreSQL (FINDME_IT_DATABASE=postgres, set by the CTest entry
// findme_integration_tests_postgres): each TestServer then gets a fresh database on the test
// cluster instead of an SQLite file in its DATA_DIR.
inline bool on_postgres() {
  const char* db = std::getenv("FINDME_IT_DATABASE");  // NOLINT(concurrency-mt-unsafe)
  return db != nullptr && std::string(db) == "postgres";
}

// A data directory and the server running on it; restart() runs a new process on the same data.
// Not thread-safe.
class TestServer {
 public:
  explicit TestServer(Env overrides = {}) : overrides_(std::move(overrides)) {
    std::filesystem::create_directories(data_dir());
    if (on_postgres() && overrides_.count("DATABASE_URL") == 0) {
      database_ = std::make_unique<store::postgres::testing::TestDatabase>();
      overrides_["DATABASE_URL"] = database_->url();
    }
    start();
  }

  std::filesystem::path data_dir() const { return dir_.path() / "data"; }
  ServerProcess& process() { return *process_; }
  std::uint16_t port() const { return process_->port(); }
  bool running() const { return process_ != nullptr; }

  void start() {
    const std::string run = std::to_string(++runs_);
    process_ = std::make_unique<ServerProcess>(data_dir(), overrides_,
                                               dir_.path() / ("stdout-" + run + ".log"),
                                               dir_.path() / ("stderr-" + run + ".log"));
  }
  // Graceful stop: the exit code (0 expected).
  int stop() {
    const int code = process_->stop();
    keep_output();
    return code;
  }
  void crash() {
    process_->kill();
    keep_output();
  }
  // Runs `findme check ARGS` on this server's data (its database and DATA_DIR), as an operator
  // would: the exit code (0: no problem left) and everything it printed.
  std::pair<int, std::string> check(const std::string& args = "") const {
    std::string command = "env -i";
    Env env = base_environment(data_dir());
    for (const auto& [k, v] : overrides_) env[k] = v;
    for (const auto& [k, v] : env) {
      command += " '" + k + "=" + v + "'";  // test paths and URLs hold no single quote
    }
    command += std::string(" '") + FINDME_BINARY + "' check " + args + " 2>&1";
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return {-1, "popen failed"};
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
      out.append(buffer, n);
    const int status = ::pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
  }

  // The current process's stdout and stderr, or the last one's once stopped.
  std::string output() const { return process_ ? process_->output() : last_output_; }
  std::string log() const { return process_ ? process_->log() : last_log_; }

 private:
  TempDir dir_;
  std::unique_ptr<store::postgres::testing::TestDatabase> database_;  // on_postgres() only
  Env overrides_;
  std::unique_ptr<ServerProcess> process_;
  std::string last_output_;
  std::string last_log_;
  int runs_ = 0;

  void keep_output() {
    last_output_ = process_->output();
    last_log_ = process_->log();
    process_.reset();
  }
};

}  // namespace findme::integration
