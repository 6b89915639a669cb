#include "api/public_event_cache.h"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

namespace findme::api {
namespace {

using Clock = PublicEventCache::Clock;
using std::chrono::milliseconds;

TEST(PublicEventCacheTest, AViewIsServedForItsTimeToLiveThenAsked) {
  PublicEventCache cache(milliseconds(1000));
  const Clock::time_point t0 = Clock::now();
  EXPECT_EQ(cache.get("K7QX9P", t0), nullptr);
  cache.put("K7QX9P", R"({"event":{}})", t0);
  ASSERT_NE(cache.get("K7QX9P", t0 + milliseconds(999)), nullptr);
  EXPECT_EQ(*cache.get("K7QX9P", t0 + milliseconds(999)), R"({"event":{}})");
  EXPECT_EQ(cache.get("K7QX9P", t0 + milliseconds(1000)), nullptr);  // another process may have
  EXPECT_EQ(cache.get("OTHER1", t0), nullptr);                       // changed it meanwhile
}

TEST(PublicEventCacheTest, ClearForgetsEveryView) {
  PublicEventCache cache;
  const Clock::time_point t0 = Clock::now();
  cache.put("AAAAAA", "a", t0);
  cache.put("BBBBBB", "b", t0);
  cache.clear();
  EXPECT_EQ(cache.get("AAAAAA", t0), nullptr);
  EXPECT_EQ(cache.get("BBBBBB", t0), nullptr);
}

TEST(PublicEventCacheTest, ItHoldsAtMostItsSizeMakingRoomFromExpiredViews) {
  PublicEventCache cache(milliseconds(1000), 2);
  const Clock::time_point t0 = Clock::now();
  cache.put("AAAAAA", "a", t0);
  cache.put("BBBBBB", "b", t0 + milliseconds(600));
  cache.put("CCCCCC", "c", t0 + milliseconds(700));  // full and nothing expired: not held
  EXPECT_EQ(cache.get("CCCCCC", t0 + milliseconds(700)), nullptr);
  cache.put("CCCCCC", "c", t0 + milliseconds(1100));  // AAAAAA expired: makes room
  EXPECT_NE(cache.get("CCCCCC", t0 + milliseconds(1100)), nullptr);
  EXPECT_NE(cache.get("BBBBBB", t0 + milliseconds(1100)), nullptr);
  cache.put("BBBBBB", "b2", t0 + milliseconds(1200));  // a held code is refreshed in place
  EXPECT_EQ(*cache.get("BBBBBB", t0 + milliseconds(1200)), "b2");
}

}  // namespace
}  // namespace findme::api
