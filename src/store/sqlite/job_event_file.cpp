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

JobEventFiles job_event_files(const std::string& database_path) {
  if (in_memory(database_path)) return {};
  return {database_path + "-jobs", database_path + "-jobs-ended"};
}

void announce_job_event(const std::string& file, JobId job) {
  if (file.empty()) return;
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;
  const std::string text = std::to_string(job.value);
  (void)!::write(fd, text.data(), text.size());
  ::close(fd);  // IN_CLOSE_WRITE: what the watchers wait for
}

Result<std::unique_ptr<JobEventWatcher>> JobEventWatcher::start(JobEventFiles files,
                                                                JobEventCallbacks callbacks) {
  if (files.empty()) {
    return make_error(Errc::unavailable, "an in-memory database has no job event files");
  }
  std::filesystem::path folder = std::filesystem::path(files.queued).parent_path();
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
      new JobEventWatcher(std::move(files), std::move(callbacks), inotify_fd, stop_fd));
}

JobEventWatcher::JobEventWatcher(JobEventFiles files, JobEventCallbacks callbacks, int inotify_fd,
                                 int stop_fd)
    : files_(std::move(files)),
      queued_name_(std::filesystem::path(files_.queued).filename().string()),
      ended_name_(std::filesystem::path(files_.ended).filename().string()),
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
    bool queued = false;
    bool ended = false;
    for (;;) {
      const ssize_t n = ::read(inotify_fd_, buffer.data(), buffer.size());
      if (n <= 0) break;  // EAGAIN: drained
      for (ssize_t at = 0; at < n;) {
        const auto* event = reinterpret_cast<const inotify_event*>(buffer.data() + at);
        // Overflow (IN_Q_OVERFLOW) lost events: one announcement of each stands for them.
        const bool overflow = (event->mask & IN_Q_OVERFLOW) != 0;
        queued = queued || overflow || (event->len > 0 && queued_name_ == event->name);
        ended = ended || overflow || (event->len > 0 && ended_name_ == event->name);
        at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      }
    }
    if (queued && callbacks_.queued) callbacks_.queued(read_job_id(files_.queued));
    if (ended && callbacks_.ended) callbacks_.ended(read_job_id(files_.ended));
  }
}

}  // namespace findme::store::sqlite
