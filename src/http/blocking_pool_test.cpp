// clang-format off
#include "http/asio_config.h"  // before every other header: see there
// clang-format on
#include "http/blocking_pool.h"

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace findme::http {
namespace {

namespace asio = boost::asio;

TEST(BlockingPoolTest, RunsOffTheIoThreadAndResumesOnIt) {
  BlockingPool pool(2);
  asio::io_context io;
  std::thread::id io_thread;
  std::thread::id work_thread;
  std::thread::id resumed_on;
  int value = 0;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        io_thread = std::this_thread::get_id();
        value = co_await run_blocking(pool, [&] {
          work_thread = std::this_thread::get_id();
          return 42;
        });
        resumed_on = std::this_thread::get_id();
      },
      asio::detached);
  io.run();
  EXPECT_EQ(value, 42);
  EXPECT_NE(work_thread, io_thread);
  EXPECT_EQ(resumed_on, io_thread);
}

TEST(BlockingPoolTest, ExceptionsReachTheAwaitingCoroutine) {
  BlockingPool pool(1);
  asio::io_context io;
  std::string caught;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        try {
          co_await run_blocking(pool, []() -> int { throw std::runtime_error("boom"); });
        } catch (const std::runtime_error& e) {
          caught = e.what();
        }
      },
      asio::detached);
  io.run();
  EXPECT_EQ(caught, "boom");
  // The worker posts the completion before it counts itself idle: wait for that.
  for (int i = 0; i < 500 && pool.busy() != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(pool.busy(), 0u);
  EXPECT_EQ(pool.queue_depth(), 0u);
}

struct FnTask final : BlockingPool::Task {
  explicit FnTask(std::function<void()> f) : fn(std::move(f)) {}
  void run() override { fn(); }
  std::function<void()> fn;
};

TEST(BlockingPoolTest, ExpectedWaitIsTheQueueTimesTheRecentRunTime) {
  using std::chrono::milliseconds;
  BlockingPool pool(1);
  EXPECT_EQ(pool.expected_wait().count(), 0);  // nothing has run yet
  std::promise<void> ran;
  pool.submit(std::make_unique<FnTask>([&] {
    std::this_thread::sleep_for(milliseconds(40));
    ran.set_value();
  }));
  ran.get_future().wait();
  EXPECT_EQ(pool.expected_wait().count(), 0);  // nothing queued

  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  pool.submit(std::make_unique<FnTask>([&] {
    entered.set_value();
    released.wait();
  }));
  entered.get_future().wait();
  for (int i = 0; i < 3; ++i) pool.submit(std::make_unique<FnTask>([] {}));

  // Three tasks queued behind the blocked thread, each expected to take the >= 40 ms measured.
  EXPECT_GE(pool.expected_wait(), milliseconds(120));
  release.set_value();
  for (int i = 0; i < 2000 && pool.queue_depth() + pool.busy() != 0; ++i) {
    std::this_thread::sleep_for(milliseconds(1));
  }
  EXPECT_EQ(pool.expected_wait().count(), 0);
}

}  // namespace
}  // namespace findme::http
