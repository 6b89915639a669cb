// Job events across processes sharing one SQLite file (`findme import` beside `findme serve`):
// a process that queued a job rewrites a small file beside the database with the job's id, and
// a watcher in the serving process, told by inotify, wakes its idle workers at once instead of at
// their next poll. PostgreSQL's LISTEN/NOTIFY does the same for PostgresStore.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "core/entities.h"
#include "core/result.h"
#include "store/job_events.h"

namespace findme::store::sqlite {

// The file beside the database `<database>-jobs`, like SQLite's own `-wal` and `-shm`; empty for
// an in-memory database (no other process can share it).
std::string job_event_path(const std::string& database_path);

// Best effort, after the commit: a failed write costs the other process only its poll interval.
void announce_job_queued(const std::string& event_path, JobId job);

// Owns one thread and an inotify descriptor on the file's folder (so the file may be created or
// replaced after the watch starts). Calls `callbacks.queued` with the id last written (JobId{}
// when the file was caught mid-write) after announcements, this process's own included; several
// close together may be heard as one. Never calls `callbacks.ended`: on SQLite, jobs run in the
// one serving process, which hears their ends itself.
// Not copyable; the destructor stops the thread at once.
class JobEventWatcher {
 public:
  // Errc::unavailable when inotify cannot watch the folder (e.g. the per-user watch limit).
  static Result<std::unique_ptr<JobEventWatcher>> start(std::string event_path,
                                                        JobEventCallbacks callbacks);
  JobEventWatcher(const JobEventWatcher&) = delete;
  JobEventWatcher& operator=(const JobEventWatcher&) = delete;
  ~JobEventWatcher();

  // Announcements heard so far (for tests).
  std::int64_t received() const { return received_.load(); }

 private:
  JobEventWatcher(std::string event_path, JobEventCallbacks callbacks, int inotify_fd, int stop_fd);
  void run();
  void heard();

  std::string path_;
  std::string name_;  // the file's name within the watched folder
  JobEventCallbacks callbacks_;
  int inotify_fd_;
  int stop_fd_;  // an eventfd the destructor writes to
  std::atomic<std::int64_t> received_{0};
  std::thread thread_;
};

}  // namespace findme::store::sqlite
