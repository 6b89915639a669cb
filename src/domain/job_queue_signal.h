// Wakes idle job workers as soon as work is enqueued, instead of them polling the database.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>

#include "core/mutex.h"

namespace findme::domain {

// Thread-safe. Whoever enqueues a job (uploads, selfies) calls wake(); the worker pool waits.
// Race-free use: read generation() BEFORE looking for work, then wait(seen, ...) when there was
// none; a wake() in between makes wait() return at once. A missed or absent wake only delays a
// job until the waiter's timeout (jobs enqueued by other processes rely on that).
class JobQueueSignal {
 public:
  void wake() {
    {
      MutexLock lock(mu_);
      ++generation_;
    }
    cv_.notify_all();
  }

  std::uint64_t generation() const {
    MutexLock lock(mu_);
    return generation_;
  }

  // Returns when generation() != seen or after `timeout`.
  void wait(std::uint64_t seen, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    MutexLock lock(mu_);
    while (generation_ == seen) {
      if (lock.wait_until(cv_, deadline) == std::cv_status::timeout) return;
    }
  }

 private:
  mutable Mutex mu_;
  std::condition_variable cv_;
  std::uint64_t generation_ FINDME_GUARDED_BY(mu_) = 0;
};

}  // namespace findme::domain
