// Job events across processes sharing one SQLite file (`findme import` beside `findme serve`):
// a process that queued a job, or ended one, rewrites a small file beside the database with the
// job's id, and a watcher in the other process, told by inotify, acts at once instead of at its
// next poll: the server's idle workers claim the job, `findme import --wait` shows the progress.
// PostgreSQL's LISTEN/NOTIFY does the same for PostgresStore.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "core/entities.h"
#include "core/result.h"
#include "store/job_events.h"

namespace findme::store::sqlite {

// The files beside the database, like SQLite's own `-wal` and `-shm`: `<database>-jobs` (jobs
// queued) and `<database>-jobs-ended`. Both empty for an in-memory database (no other process
// can share it).
struct JobEventFiles {
  std::string queued;
  std::string ended;
  bool empty() const { return queued.empty(); }
};
JobEventFiles job_event_files(const std::string& database_path);

// Best effort, after the commit: a failed write costs the other process only its poll interval.
// `file` is one of JobEventFiles' (nothing is written for an empty one).
void announce_job_event(const std::string& file, JobId job);

// Owns one thread and an inotify descriptor on the files' folder (so the files may be created or
// replaced after the watch starts). Calls `callbacks.queued` or `.ended` (when set) with the id
// last written to that file (JobId{} when it was caught mid-write) after announcements, this
// process's own included; several close together may be heard as one.
// Not copyable; the destructor stops the thread at once.
class JobEventWatcher {
 public:
  // Errc::unavailable for an in-memory database or when inotify cannot watch the folder (e.g.
  // the per-user watch limit).
  static Result<std::unique_ptr<JobEventWatcher>> start(JobEventFiles files,
                                                        JobEventCallbacks callbacks);
  JobEventWatcher(const JobEventWatcher&) = delete;
  JobEventWatcher& operator=(const JobEventWatcher&) = delete;
  ~JobEventWatcher();

 private:
  JobEventWatcher(JobEventFiles files, JobEventCallbacks callbacks, int inotify_fd, int stop_fd);
  void run();

  JobEventFiles files_;
  std::string queued_name_;  // the files' names within the watched folder
  std::string ended_name_;
  JobEventCallbacks callbacks_;
  int inotify_fd_;
  int stop_fd_;  // an eventfd the destructor writes to
  std::thread thread_;
};

}  // namespace findme::store::sqlite
