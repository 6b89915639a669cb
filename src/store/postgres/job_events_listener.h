// Job events across processes: PostgresStore announces with NOTIFY when a job is queued or ends,
// and this listener (LISTEN on its own connection) tells the local process, so that a long poll
// on GET /api/jobs/{id} wakes when another process finished the job, and idle workers claim a
// job another process queued without waiting for their poll.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "core/entities.h"
#include "store/job_events.h"

namespace findme::store::postgres {

// The channels PostgresStore notifies (payload: the job id in decimal).
inline constexpr const char* kJobQueuedChannel = "findme_job_queued";
inline constexpr const char* kJobEndedChannel = "findme_job_ended";

// Owns one thread and one connection. Reconnects with a backoff after the connection is lost
// (events sent meanwhile are missed; the worker poll and the long-poll deadlines cover them).
// Not copyable; the destructor stops the thread within about a second.
class JobEventListener {
 public:
  JobEventListener(std::string url, JobEventCallbacks callbacks);
  JobEventListener(const JobEventListener&) = delete;
  JobEventListener& operator=(const JobEventListener&) = delete;
  ~JobEventListener();

  // Notifications handled so far (for tests).
  std::int64_t received() const { return received_.load(); }

 private:
  void run();
  void listen_once();

  std::string url_;
  JobEventCallbacks callbacks_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::int64_t> received_{0};
  std::thread thread_;
};

}  // namespace findme::store::postgres
