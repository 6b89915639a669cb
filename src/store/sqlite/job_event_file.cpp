#include "store/sqlite/job_event_file.h"

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

namespace findme::store::sqlite {
namespace {

bool in_memory(const std::string& database_path) {
  return database_path.empty() || database_path == ":memory:" ||
         database_path.starts_with("file::memory:") ||
         database_path.find("mode=memory") != std::string::npos;
}

// The id in the file, or JobId{} when it is missing, empty or being rewritten.
JobId read_job_id(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return JobId{};
  std::array<char, 32> text{};
  const ssize_t n = ::read(fd, text.data(), text.size());
  ::close(fd);
  std::int64_t id = 0;
  if (n > 0) std::from_chars(text.data(), text.data() + n, id);
  return JobId{id};
}

std::string errno_text() { return std::strerror(errno); }

}  // namespace

std::string job_event_path(const std::string& database_path) {
  return in_memory(database_path) ? std::string() : database_path + "-jobs";
}

void announce_job_queued(const std::string& event_path, JobId job) {
  if (event_path.empty()) return;
  const int fd = ::open(event_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;
  const std::string text = std::to_string(job.value);
  (void)!::write(fd, text.data(), text.size());
  ::close(fd);  // IN_CLOSE_WRITE: what the watchers wait for
}

Result<std::unique_ptr<JobEventWatcher>> JobEventWatcher::start(std::string event_path,
                                                                JobEventCallbacks callbacks) {
  if (event_path.empty()) {
    return make_error(Errc::unavailable, "an in-memory database has no job event file");
  }
  std::filesystem::path folder = std::filesystem::path(event_path).parent_path();
  if (folder.empty()) folder = ".";
  const int inotify_fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd < 0) return make_error(Errc::unavailable, "inotify: " + errno_text());
  if (::inotify_add_watch(inotify_fd, folder.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
    std::string why = "inotify on " + folder.string() + ": " + errno_text();
    ::close(inotify_fd);
    return make_error(Errc::unavailable, std::move(why));
  }
  const int stop_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (stop_fd < 0) {
    std::string why = "eventfd: " + errno_text();
    ::close(inotify_fd);
    return make_error(Errc::unavailable, std::move(why));
  }
  return std::unique_ptr<JobEventWatcher>(
      new JobEventWatcher(std::move(event_path), std::move(callbacks), inotify_fd, stop_fd));
}

JobEventWatcher::JobEventWatcher(std::string event_path, JobEventCallbacks callbacks,
                                 int inotify_fd, int stop_fd)
    : path_(std::move(event_path)),
      name_(std::filesystem::path(path_).filename().string()),
      callbacks_(std::move(callbacks)),
      inotify_fd_(inotify_fd),
      stop_fd_(stop_fd),
      thread_([this] { run(); }) {}

JobEventWatcher::~JobEventWatcher() {
  const std::uint64_t one = 1;
  (void)!::write(stop_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  ::close(inotify_fd_);
  ::close(stop_fd_);
}

void JobEventWatcher::run() {
  // Room for many events at once; each is a header plus the file's name.
  alignas(inotify_event) std::array<char, std::size_t{16} * 1024> buffer{};
  std::array<pollfd, 2> fds{pollfd{inotify_fd_, POLLIN, 0}, pollfd{stop_fd_, POLLIN, 0}};
  for (;;) {
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return;  // cannot happen with valid descriptors; the workers' poll still finds the jobs
    }
    if (fds[1].revents != 0) return;
    bool ours = false;
    for (;;) {
      const ssize_t n = ::read(inotify_fd_, buffer.data(), buffer.size());
      if (n <= 0) break;  // EAGAIN: drained
      for (ssize_t at = 0; at < n;) {
        const auto* event = reinterpret_cast<const inotify_event*>(buffer.data() + at);
        // Overflow (IN_Q_OVERFLOW) lost events: one announcement stands for all of them.
        if ((event->mask & IN_Q_OVERFLOW) != 0 || (event->len > 0 && name_ == event->name)) {
          ours = true;
        }
        at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      }
    }
    if (ours) heard();
  }
}

void JobEventWatcher::heard() {
  ++received_;
  if (callbacks_.queued) callbacks_.queued(read_job_id(path_));
}

}  // namespace findme::store::sqlite
