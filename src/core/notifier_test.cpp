#include "core/notifier.h"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace findme {
namespace {

TEST(NotifierTest, NotifyFiresOnlyThatKeyOnce) {
  Notifier hub;
  int a = 0;
  int b = 0;
  auto sa = hub.subscribe("job:1", hub.epoch(), [&] { ++a; });
  auto sb = hub.subscribe("job:2", hub.epoch(), [&] { ++b; });
  hub.notify("job:1");
  hub.notify("job:1");
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 0);
  EXPECT_EQ(hub.subscriber_count(), 1u);
}

TEST(NotifierTest, NotifyBetweenEpochReadAndSubscribeFiresAtOnce) {
  Notifier hub;
  std::uint64_t seen = hub.epoch();
  hub.notify("job:7");
  int fired = 0;
  auto s = hub.subscribe("job:7", seen, [&] { ++fired; });
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(hub.subscriber_count(), 0u);
}

TEST(NotifierTest, OlderNotifyOfOtherKeyDoesNotFire) {
  Notifier hub;
  hub.notify("job:7");
  std::uint64_t seen = hub.epoch();
  hub.notify("job:8");
  int fired = 0;
  auto s = hub.subscribe("job:7", seen, [&] { ++fired; });
  EXPECT_EQ(fired, 0);
}

TEST(NotifierTest, ResetUnsubscribes) {
  Notifier hub;
  int fired = 0;
  auto s = hub.subscribe("k", hub.epoch(), [&] { ++fired; });
  s.reset();
  hub.notify("k");
  EXPECT_EQ(fired, 0);
  EXPECT_EQ(hub.subscriber_count(), 0u);
}

TEST(NotifierTest, PrunedKeysWakeConservatively) {
  Notifier hub(2);
  std::uint64_t seen = hub.epoch();
  hub.notify("a");
  hub.notify("b");
  hub.notify("c");  // forgets a and b
  int fired = 0;
  auto s = hub.subscribe("a", seen, [&] { ++fired; });
  EXPECT_EQ(fired, 1);  // spurious but safe: "a" may have been notified after `seen`
  int later = 0;
  auto s2 = hub.subscribe("a", hub.epoch(), [&] { ++later; });
  EXPECT_EQ(later, 0);
}

TEST(NotifierTest, MovedSubscriptionStaysLive) {
  Notifier hub;
  int fired = 0;
  Notifier::Subscription outer;
  {
    auto inner = hub.subscribe("k", hub.epoch(), [&] { ++fired; });
    outer = std::move(inner);
  }
  hub.notify("k");
  EXPECT_EQ(fired, 1);
}

TEST(NotifierTest, ConcurrentSubscribeAndNotifyNeverLosesAWakeUp) {
  Notifier hub;
  constexpr int kWaiters = 200;
  std::atomic<int> fired{0};
  std::vector<Notifier::Subscription> subs(kWaiters);
  std::thread notifier([&] {
    for (int i = 0; i < kWaiters; ++i) hub.notify("job:" + std::to_string(i));
  });
  for (int i = 0; i < kWaiters; ++i) {
    subs[static_cast<std::size_t>(i)] =
        hub.subscribe("job:" + std::to_string(i), 0, [&] { ++fired; });
  }
  notifier.join();
  EXPECT_EQ(fired.load(), kWaiters);  // since_epoch 0: each fires whether before or after
}

}  // namespace
}  // namespace findme
