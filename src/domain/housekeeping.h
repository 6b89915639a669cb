// Forgets what has expired: session tokens past their expiry and Idempotency-Key answers past
// their lifetime. The API calls run_if_due() on every request; the work itself runs at most once
// per interval per process (with several processes on one database each purges now and then,
// which is harmless: the deletes are idempotent).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "core/clock.h"
#include "store/store.h"

namespace findme::domain {

// How long a retry can still get the first answer of an Idempotency-Key (docs/api.md).
inline constexpr std::chrono::hours kIdempotencyKeyLifetime{24};

struct HousekeepingCounts {
  std::int64_t tokens = 0;
  std::int64_t idempotency_keys = 0;
};

// Thread-safe: concurrent callers run the purge once.
class Housekeeping {
 public:
  Housekeeping(store::Store& store, const Clock& clock,
               std::chrono::minutes interval = std::chrono::hours(1));

  // Purges when an interval has passed since the last purge (or at the first call); returns
  // what it removed, nothing when not due or when another thread is purging. A store error only
  // delays the purge to the next interval.
  HousekeepingCounts run_if_due();

 private:
  store::Store& store_;
  const Clock& clock_;
  const std::chrono::minutes interval_;
  std::atomic<std::int64_t> next_due_ms_{0};  // unix ms; 0: due now
};

}  // namespace findme::domain
