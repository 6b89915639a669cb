// clang-format off
#include "http/asio_config.h"  // before every other header: see there
// clang-format on
#include "http/blocking_pool.h"

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
    task->run();
    task.reset();
    MutexLock lock(mu_);
    --busy_;
  }
}

}  // namespace findme::http
