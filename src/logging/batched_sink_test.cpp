#include "logging/batched_sink.h"

#include <array>
#include <memory>
#include <string>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <unistd.h>

namespace findme::logging {
namespace {

// The read end of a pipe, non-blocking: what the sink has written so far.
class Pipe {
 public:
  Pipe() {
    if (::pipe(fds_.data()) != 0) throw std::runtime_error("pipe");
    ::fcntl(fds_[0], F_SETFL, O_NONBLOCK);
  }
  ~Pipe() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  int write_end() const { return fds_[1]; }
  std::string drain() {
    std::string out;
    std::array<char, 4096> buf{};
    for (ssize_t n; (n = ::read(fds_[0], buf.data(), buf.size())) > 0;) {
      out.append(buf.data(), static_cast<std::size_t>(n));
    }
    return out;
  }

 private:
  std::array<int, 2> fds_{};
};

spdlog::logger logger_to(std::shared_ptr<BatchedFdSink> sink) {
  spdlog::logger logger("test", std::move(sink));
  logger.set_pattern("%v");
  logger.set_level(spdlog::level::info);
  return logger;
}

TEST(BatchedFdSinkTest, InfoLinesWaitForAFlushAndAWarningTakesThemAlong) {
  Pipe pipe;
  auto logger = logger_to(std::make_shared<BatchedFdSink>(pipe.write_end()));
  logger.info("one");
  logger.info("two");
  EXPECT_EQ(pipe.drain(), "");  // batched
  logger.warn("three");
  EXPECT_EQ(pipe.drain(), "one\ntwo\nthree\n");  // in order, at once
  logger.info("four");
  logger.flush();  // what spdlog::flush_every does every second
  EXPECT_EQ(pipe.drain(), "four\n");
}

TEST(BatchedFdSinkTest, AFullBatchIsWrittenAndTheLastLinesOnDestruction) {
  Pipe pipe;
  {
    auto logger = logger_to(std::make_shared<BatchedFdSink>(pipe.write_end(), 10));
    logger.info("12345");
    EXPECT_EQ(pipe.drain(), "");
    logger.info("67890");  // 12 bytes >= 10
    EXPECT_EQ(pipe.drain(), "12345\n67890\n");
    logger.info("last");
  }
  EXPECT_EQ(pipe.drain(), "last\n");
}

}  // namespace
}  // namespace findme::logging
