// Wall-clock time as the service sees it, injectable so tests control it (core/testing has
// ManualClock). Timestamps are UTC with millisecond resolution; RFC 3339 formatting lives in api/.
#pragma once

#include <chrono>
#include <cstdint>

namespace findme {

// Unix time in milliseconds (UTC). Stored as INTEGER milliseconds by every store backend.
using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

// Thread-safe: implementations may be called from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

// The real clock (std::chrono::system_clock, truncated to milliseconds).
class SystemClock final : public Clock {
 public:
  Timestamp now() const override {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
  }
};

// Shorthand for tests and for turning stored integers back into timestamps.
inline Timestamp timestamp_from_ms(std::int64_t ms) {
  return Timestamp{std::chrono::milliseconds{ms}};
}
inline std::int64_t to_unix_ms(Timestamp t) { return t.time_since_epoch().count(); }

}  // namespace findme
