// clang-format off
#include "http/asio_config.h"  // before every other header: see there
// clang-format on
#include "http/blocking_pool.h"

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

}  // namespace
}  // namespace findme::http
