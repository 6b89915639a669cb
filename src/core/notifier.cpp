#include "core/notifier.h"

#include <utility>
#include <vector>

namespace findme {

Notifier::Subscription::Subscription(Subscription&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), id_(std::exchange(other.id_, 0)) {}

Notifier::Subscription& Notifier::Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    reset();
    owner_ = std::exchange(other.owner_, nullptr);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

void Notifier::Subscription::reset() {
  if (owner_ != nullptr) {
    owner_->unsubscribe(id_);
    owner_ = nullptr;
  }
}

Notifier::Notifier(std::size_t max_remembered_keys)
    : max_remembered_keys_(max_remembered_keys == 0 ? 1 : max_remembered_keys) {}

std::uint64_t Notifier::epoch() const {
  MutexLock lock(mu_);
  return epoch_;
}

void Notifier::notify(std::string_view key) {
  MutexLock lock(mu_);
  ++epoch_;
  std::string k(key);
  if (last_notified_.size() >= max_remembered_keys_ && !last_notified_.contains(k)) {
    // Forget everything at once: a subscriber with an older epoch then wakes spuriously, which
    // is safe, and the map never grows past the bound.
    last_notified_.clear();
    forgotten_upto_ = epoch_ - 1;
  }
  last_notified_[k] = epoch_;
  auto [first, last] = by_key_.equal_range(k);
  std::vector<std::uint64_t> ids;
  for (auto it = first; it != last; ++it) ids.push_back(it->second);
  by_key_.erase(first, last);
  for (std::uint64_t id : ids) {
    auto node = waiters_.extract(id);
    if (!node.empty()) node.mapped().callback();
  }
}

Notifier::Subscription Notifier::subscribe(std::string key, std::uint64_t since_epoch,
                                           Callback callback) {
  MutexLock lock(mu_);
  auto it = last_notified_.find(key);
  std::uint64_t last = it != last_notified_.end() ? it->second : forgotten_upto_;
  if (last > since_epoch) {
    callback();
    return Subscription{};
  }
  std::uint64_t id = next_id_++;
  by_key_.emplace(key, id);
  waiters_.emplace(id, Waiter{std::move(key), std::move(callback)});
  return Subscription{this, id};
}

std::size_t Notifier::subscriber_count() const {
  MutexLock lock(mu_);
  return waiters_.size();
}

void Notifier::unsubscribe(std::uint64_t id) {
  MutexLock lock(mu_);
  auto node = waiters_.extract(id);
  if (node.empty()) return;
  auto [first, last] = by_key_.equal_range(node.mapped().key);
  for (auto it = first; it != last; ++it) {
    if (it->second == id) {
      by_key_.erase(it);
      break;
    }
  }
}

}  // namespace findme
