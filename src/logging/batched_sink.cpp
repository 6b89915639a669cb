#include "logging/batched_sink.h"

#include <cerrno>

#include <unistd.h>

namespace findme::logging {

BatchedFdSink::BatchedFdSink(int fd, std::size_t batch_bytes) : fd_(fd), batch_bytes_(batch_bytes) {
  pending_.reserve(batch_bytes_ + 1024);
}

BatchedFdSink::~BatchedFdSink() {
  std::lock_guard lock(mutex_);
  flush_();
}

void BatchedFdSink::sink_it_(const spdlog::details::log_msg& msg) {
  spdlog::memory_buf_t formatted;
  formatter_->format(msg, formatted);
  pending_.append(formatted.data(), formatted.size());
  if (pending_.size() >= batch_bytes_ || msg.level >= spdlog::level::warn) flush_();
}

void BatchedFdSink::flush_() {
  std::size_t done = 0;
  while (done < pending_.size()) {
    ssize_t n = ::write(fd_, pending_.data() + done, pending_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // nowhere to log to (a closed pipe, a full disk): drop the batch
    done += static_cast<std::size_t>(n);
  }
  pending_.clear();
}

}  // namespace findme::logging
