#include "domain/housekeeping.h"

namespace findme::domain {

Housekeeping::Housekeeping(store::Store& store, const Clock& clock, std::chrono::minutes interval)
    : store_(store), clock_(clock), interval_(interval) {}

HousekeepingCounts Housekeeping::run_if_due() {
  const std::int64_t now_ms = to_unix_ms(clock_.now());
  std::int64_t due = next_due_ms_.load(std::memory_order_relaxed);
  if (now_ms < due) return {};
  const std::int64_t next = now_ms + std::chrono::milliseconds(interval_).count();
  if (!next_due_ms_.compare_exchange_strong(due, next)) return {};  // another thread purges
  HousekeepingCounts removed;
  if (Result<std::int64_t> tokens = store_.delete_expired_tokens()) removed.tokens = *tokens;
  if (Result<std::int64_t> keys = store_.delete_idempotency_keys(kIdempotencyKeyLifetime)) {
    removed.idempotency_keys = *keys;
  }
  return removed;
}

}  // namespace findme::domain
