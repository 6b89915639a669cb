#include "core/mutex.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace findme {
namespace {

using namespace std::chrono_literals;

struct Counter {
  Mutex mu;
  int value FINDME_GUARDED_BY(mu) = 0;
  std::condition_variable cv;
};

TEST(MutexTest, MutexLockExcludesOtherThreads) {
  Counter counter;
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&counter] {
      for (int i = 0; i < 10'000; ++i) {
        MutexLock lock(counter.mu);
        const int seen = counter.value;
        counter.value = seen + 1;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  MutexLock lock(counter.mu);
  EXPECT_EQ(counter.value, 40'000);
}

TEST(MutexTest, WaitReleasesTheMutexUntilNotified) {
  Counter counter;
  std::thread setter([&counter] {
    MutexLock lock(counter.mu);  // only possible because the waiter let go
    counter.value = 7;
    counter.cv.notify_all();
  });
  {
    MutexLock lock(counter.mu);
    while (counter.value != 7) lock.wait(counter.cv);
    EXPECT_EQ(counter.value, 7);
  }
  setter.join();
}

TEST(MutexTest, WaitUntilReportsTheDeadline) {
  Counter counter;
  MutexLock lock(counter.mu);
  const auto started = std::chrono::steady_clock::now();
  std::cv_status status = std::cv_status::no_timeout;
  while (status == std::cv_status::no_timeout) {  // a spurious wake-up loops
    status = lock.wait_until(counter.cv, started + 20ms);
  }
  EXPECT_GE(std::chrono::steady_clock::now() - started, 20ms);
  EXPECT_EQ(counter.value, 0);  // still held: the guarded read is allowed
}

TEST(MutexTest, UnlockLetsOthersInAndLockTakesItBack) {
  Counter counter;
  MutexLock lock(counter.mu);
  counter.value = 1;
  lock.unlock();
  std::thread other([&counter] {
    MutexLock inner(counter.mu);
    counter.value = 2;
  });
  other.join();
  lock.lock();
  EXPECT_EQ(counter.value, 2);
}

TEST(MutexTest, ReadersShareAndAWriterWaitsForThem) {
  SharedMutex mu;
  std::atomic<int> readers_inside{0};
  std::atomic<bool> writer_done{false};
  std::thread writer;
  {
    ReaderLock first(mu);
    ++readers_inside;
    std::thread second([&] {
      ReaderLock shared(mu);  // would block forever if readers excluded each other
      ++readers_inside;
    });
    second.join();
    EXPECT_EQ(readers_inside.load(), 2);
    writer = std::thread([&] {
      WriterLock exclusive(mu);
      writer_done = true;
    });
    std::this_thread::sleep_for(20ms);
    EXPECT_FALSE(writer_done.load());  // the first reader still holds it
  }
  writer.join();  // gets in once `first` is released
  EXPECT_TRUE(writer_done.load());
}

}  // namespace
}  // namespace findme
