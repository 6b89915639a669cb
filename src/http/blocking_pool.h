// A fixed set of threads for blocking work (handlers: SQLite, argon2, libvips), so that no
// I/O thread ever blocks. Coroutines reach it through run_blocking().
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <memory>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>  // before Asio: Boost 1.74's Asio uses std::exchange without including it
#include <vector>

#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/mutex.h"

namespace findme::http {

// Thread-safe. The queue is unbounded; what bounds it is the server's connection cap (one task
// per connection at a time). The destructor runs every queued task, then joins.
class BlockingPool {
 public:
  struct Task {
    virtual ~Task() = default;
    virtual void run() = 0;
  };

  explicit BlockingPool(std::size_t threads);
  ~BlockingPool();
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  void submit(std::unique_ptr<Task> task);

  std::size_t threads() const { return workers_.size(); }
  std::size_t busy() const;         // threads running a task now
  std::size_t queue_depth() const;  // tasks waiting for a thread
  // How long a task submitted now would wait for a thread: the tasks queued ahead of it times
  // the recent mean run time (a moving average over roughly the last ten tasks), shared by the
  // threads. Zero while nothing is queued or before a task has run.
  std::chrono::nanoseconds expected_wait() const;

 private:
  void work();

  mutable Mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Task>> queue_ FINDME_GUARDED_BY(mu_);
  std::size_t busy_ FINDME_GUARDED_BY(mu_) = 0;
  double mean_run_ns_ FINDME_GUARDED_BY(mu_) = 0;
  bool stopping_ FINDME_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

namespace detail {

template <class Fn, class Handler, class Executor>
struct BlockingTask final : BlockingPool::Task {
  using R = std::invoke_result_t<Fn&>;
  BlockingTask(Fn f, Handler h, Executor ex, std::optional<R>& r, std::exception_ptr& e)
      : fn(std::move(f)), handler(std::move(h)), work(ex), result(r), error(e) {}
  void run() override {
    try {
      result.emplace(fn());
    } catch (...) {
      error = std::current_exception();
    }
    // Resume the coroutine on its own executor, never on the pool thread.
    boost::asio::post(work.get_executor(), std::move(handler));
  }
  Fn fn;
  Handler handler;
  boost::asio::executor_work_guard<Executor> work;
  std::optional<R>& result;  // in the suspended coroutine's frame
  std::exception_ptr& error;
};

}  // namespace detail

// Runs `fn` on `pool` and resumes the calling coroutine on its executor with the result (or
// rethrows what fn threw). `fn` must return a non-void, move-constructible value.
template <class Fn>
boost::asio::awaitable<std::invoke_result_t<Fn&>> run_blocking(BlockingPool& pool, Fn fn) {
  using R = std::invoke_result_t<Fn&>;
  auto ex = co_await boost::asio::this_coro::executor;
  std::optional<R> result;
  std::exception_ptr error;
  co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void()>(
      [&](auto handler) {
        using Task = detail::BlockingTask<Fn, decltype(handler), decltype(ex)>;
        pool.submit(std::make_unique<Task>(std::move(fn), std::move(handler), ex, result, error));
      },
      boost::asio::use_awaitable);
  if (error) std::rethrow_exception(error);
  co_return std::move(*result);
}

}  // namespace findme::http
