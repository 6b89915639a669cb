// Mutexes whose use the compiler checks. Under clang's -Wthread-safety (the `tsan` preset, which
// CI builds with -Werror) touching a member marked FINDME_GUARDED_BY(mu_) without holding mu_,
// or calling a FINDME_REQUIRES(mu_) function without it, does not compile. GCC ignores the
// annotations. libstdc++'s std::mutex carries none, hence these thin wrappers (the shape of
// Abseil's Mutex and of clang's ThreadSafetyAnalysis documentation).
//
//   Mutex mu_;
//   std::deque<Task> queue_ FINDME_GUARDED_BY(mu_);
//   ...
//   MutexLock lock(mu_);
//   while (queue_.empty()) lock.wait(cv_);  // the condition is read under the lock, checked
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <shared_mutex>

#if defined(__clang__)
#define FINDME_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define FINDME_THREAD_ANNOTATION(x)
#endif

#define FINDME_CAPABILITY(x) FINDME_THREAD_ANNOTATION(capability(x))
#define FINDME_SCOPED_CAPABILITY FINDME_THREAD_ANNOTATION(scoped_lockable)
#define FINDME_GUARDED_BY(x) FINDME_THREAD_ANNOTATION(guarded_by(x))
#define FINDME_REQUIRES(...) FINDME_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define FINDME_ACQUIRE(...) FINDME_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define FINDME_ACQUIRE_SHARED(...) FINDME_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define FINDME_RELEASE(...) FINDME_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define FINDME_RELEASE_SHARED(...) FINDME_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#define FINDME_EXCLUDES(...) FINDME_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))

namespace findme {

class FINDME_CAPABILITY("mutex") Mutex {
 public:
  void lock() FINDME_ACQUIRE() { mu_.lock(); }
  void unlock() FINDME_RELEASE() { mu_.unlock(); }

 private:
  friend class MutexLock;
  std::mutex mu_;
};

// Holds a Mutex for its scope. It can let go early (unlock) and take it again (lock), and wait
// on a condition variable; callers loop on their own condition, so the analysis sees it read
// under the lock (a predicate lambda would be a separate function to it).
class FINDME_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) FINDME_ACQUIRE(mu) : lock_(mu.mu_) {}
  ~MutexLock() FINDME_RELEASE() = default;
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  void lock() FINDME_ACQUIRE() { lock_.lock(); }
  void unlock() FINDME_RELEASE() { lock_.unlock(); }

  // Releases the mutex until `cv` is notified (or wakes spuriously), then holds it again.
  void wait(std::condition_variable& cv) { cv.wait(lock_); }
  std::cv_status wait_until(std::condition_variable& cv,
                            std::chrono::steady_clock::time_point deadline) {
    return cv.wait_until(lock_, deadline);
  }

 private:
  std::unique_lock<std::mutex> lock_;
};

// Many readers or one writer.
class FINDME_CAPABILITY("shared mutex") SharedMutex {
 public:
  void lock() FINDME_ACQUIRE() { mu_.lock(); }
  void unlock() FINDME_RELEASE() { mu_.unlock(); }
  void lock_shared() FINDME_ACQUIRE_SHARED() { mu_.lock_shared(); }
  void unlock_shared() FINDME_RELEASE_SHARED() { mu_.unlock_shared(); }

 private:
  std::shared_mutex mu_;
};

class FINDME_SCOPED_CAPABILITY WriterLock {
 public:
  explicit WriterLock(SharedMutex& mu) FINDME_ACQUIRE(mu) : mu_(mu) { mu_.lock(); }
  ~WriterLock() FINDME_RELEASE() { mu_.unlock(); }
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  SharedMutex& mu_;
};

class FINDME_SCOPED_CAPABILITY ReaderLock {
 public:
  explicit ReaderLock(SharedMutex& mu) FINDME_ACQUIRE_SHARED(mu) : mu_(mu) { mu_.lock_shared(); }
  ~ReaderLock() FINDME_RELEASE() { mu_.unlock_shared(); }
  ReaderLock(const ReaderLock&) = delete;
  ReaderLock& operator=(const ReaderLock&) = delete;

 private:
  SharedMutex& mu_;
};

}  // namespace findme
