// A Clock that tests move by hand, so time-dependent behaviour (token expiry, leases, backoff,
// throttling windows) is tested without sleeping.
#pragma once

#include <atomic>
#include <chrono>

#include "core/clock.h"

namespace findme {

// Thread-safe: now(), set() and advance() may race; each is atomic.
class ManualClock final : public Clock {
 public:
  // 2024-05-01T10:00:00Z: a fixed, readable default start.
  static constexpr std::int64_t kDefaultStartMs = 1714557600000;

  explicit ManualClock(Timestamp start = timestamp_from_ms(kDefaultStartMs))
      : now_ms_(to_unix_ms(start)) {}

  Timestamp now() const override { return timestamp_from_ms(now_ms_.load()); }
  void set(Timestamp t) { now_ms_.store(to_unix_ms(t)); }
  void advance(std::chrono::milliseconds by) { now_ms_.fetch_add(by.count()); }

 private:
  std::atomic<std::int64_t> now_ms_;
};

}  // namespace findme
