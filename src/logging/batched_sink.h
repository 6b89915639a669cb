// Log lines written to a file descriptor in batches: one write(2) per many lines instead of one
// per line, which at tens of thousands of requests a second was a fifth of the server's work
// (the access line of every request). A warning or worse goes out at once, with every line
// before it; the rest waits until the batch is full or the next flush (spdlog::flush_every).
#pragma once

#include <cstddef>
#include <mutex>
#include <string>

#include <spdlog/sinks/base_sink.h>

namespace findme::logging {

class BatchedFdSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  // `fd` stays owned by the caller and open for the sink's life.
  explicit BatchedFdSink(int fd, std::size_t batch_bytes = std::size_t{64} * 1024);
  ~BatchedFdSink() override;
  BatchedFdSink(const BatchedFdSink&) = delete;
  BatchedFdSink& operator=(const BatchedFdSink&) = delete;

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override;

 private:
  const int fd_;
  const std::size_t batch_bytes_;
  std::string pending_;
};

}  // namespace findme::logging
