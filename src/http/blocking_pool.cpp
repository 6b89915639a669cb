// clang-format off
#include "http/asio_config.h"  // before every other header: see there
// clang-format on
#include "http/blocking_pool.h"

#include <cstdint>

namespace findme::http {

BlockingPool::BlockingPool(std::size_t threads) {
  if (threads == 0) threads = 1;
  workers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
}

BlockingPool::~BlockingPool() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void BlockingPool::submit(std::unique_ptr<Task> task) {
  {
    MutexLock lock(mu_);
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
}

std::size_t BlockingPool::busy() const {
  MutexLock lock(mu_);
  return busy_;
}

std::size_t BlockingPool::queue_depth() const {
  MutexLock lock(mu_);
  return queue_.size();
}

std::chrono::nanoseconds BlockingPool::expected_wait() const {
  MutexLock lock(mu_);
  const double ns =
      static_cast<double>(queue_.size()) * mean_run_ns_ / static_cast<double>(workers_.size());
  return std::chrono::nanoseconds(static_cast<std::int64_t>(ns));
}

void BlockingPool::work() {
  for (;;) {
    std::unique_ptr<Task> task;
    {
      MutexLock lock(mu_);
      while (!stopping_ && queue_.empty()) lock.wait(cv_);
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
      ++busy_;
    }
    const auto started = std::chrono::steady_clock::now();
    task->run();
    task.reset();
    const auto ran =
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - started)
            .count();
    MutexLock lock(mu_);
    --busy_;
    constexpr double kWeight = 0.1;  // of the newest task in the moving average
    mean_run_ns_ = mean_run_ns_ == 0 ? ran : mean_run_ns_ + kWeight * (ran - mean_run_ns_);
  }
}

}  // namespace findme::http
