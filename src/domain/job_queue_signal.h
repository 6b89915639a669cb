// Wakes idle job workers as soon as work is enqueued, instead of them polling the database.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace findme::domain {

// Thread-safe. Whoever enqueues a job (uploads, selfies) calls wake(); the worker pool waits.
// Race-free use: read generation() BEFORE looking for work, then wait(seen, ...) when there was
// none; a wake() in between makes wait() return at once. A missed or absent wake only delays a
// job until the waiter's timeout (jobs enqueued by other processes rely on that).
class JobQueueSignal {
 public:
  void wake() {
    {
      std::lock_guard lock(mu_);
      ++generation_;
    }
    cv_.notify_all();
  }

  std::uint64_t generation() const {
    std::lock_guard lock(mu_);
    return generation_;
  }

  // Returns when generation() != seen or after `timeout`.
  void wait(std::uint64_t seen, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return generation_ != seen; });
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::uint64_t generation_ = 0;  // guarded by mu_
};

}  // namespace findme::domain
