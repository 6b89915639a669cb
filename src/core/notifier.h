// A small hub that wakes whoever waits for a named event ("job:123" finished). Domain code calls
// notify(key); the HTTP server subscribes to hold a long-poll without pinning a thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/mutex.h"

namespace findme {

// Thread-safe. Callbacks fire at most once, on the thread that calls notify() (or inside
// subscribe() when the key was already notified), while the hub's lock is held: a callback must
// be quick (post to an executor, set a flag) and must not call back into the Notifier.
//
// Race-free waiting: read epoch() BEFORE checking the state you wait for, then pass that value
// to subscribe(). If notify(key) happened in between, the callback fires at once. Spurious
// wake-ups are possible (after the remembered keys are pruned); waiters re-check their state.
class Notifier {
 public:
  using Callback = std::function<void()>;

  // Unsubscribes on destruction. Once reset() or the destructor returns, the callback is not
  // running and will never run. Move-only. Must not outlive its Notifier.
  class Subscription {
   public:
    Subscription() = default;
    Subscription(Subscription&& other) noexcept;
    Subscription& operator=(Subscription&& other) noexcept;
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    ~Subscription() { reset(); }
    void reset();

   private:
    friend class Notifier;
    Subscription(Notifier* owner, std::uint64_t id) : owner_(owner), id_(id) {}
    Notifier* owner_ = nullptr;
    std::uint64_t id_ = 0;
  };

  // `max_remembered_keys` bounds the memory of which key was notified when.
  explicit Notifier(std::size_t max_remembered_keys = 4096);
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // A counter that every notify() advances.
  std::uint64_t epoch() const;

  // Fires, then forgets, every subscription to `key`.
  void notify(std::string_view key);

  // Calls `callback` once when `key` is notified after `since_epoch` (at once if that already
  // happened).
  [[nodiscard]] Subscription subscribe(std::string key, std::uint64_t since_epoch,
                                       Callback callback);

  // Live subscriptions, for metrics and tests.
  std::size_t subscriber_count() const;

 private:
  struct Waiter {
    std::string key;
    Callback callback;
  };
  void unsubscribe(std::uint64_t id);

  const std::size_t max_remembered_keys_;
  mutable Mutex mu_;
  std::uint64_t epoch_ FINDME_GUARDED_BY(mu_) = 0;
  std::uint64_t forgotten_upto_ FINDME_GUARDED_BY(mu_) = 0;  // keys notified up to here: pruned
  std::uint64_t next_id_ FINDME_GUARDED_BY(mu_) = 1;
  std::unordered_map<std::string, std::uint64_t> last_notified_ FINDME_GUARDED_BY(mu_);
  std::unordered_multimap<std::string, std::uint64_t> by_key_ FINDME_GUARDED_BY(mu_);
  std::unordered_map<std::uint64_t, Waiter> waiters_ FINDME_GUARDED_BY(mu_);
};

}  // namespace findme
