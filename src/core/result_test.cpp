#include "core/result.h"

#include <memory>
#include <string>

#include <gtest/gtest.h>

namespace findme {
namespace {

Result<int> parse_positive(int n) {
  if (n <= 0) return make_error(Errc::invalid_request, "must be positive");
  return n;
}

TEST(ResultTest, HoldsValue) {
  Result<int> r = parse_positive(3);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 3);
}

TEST(ResultTest, HoldsError) {
  Result<int> r = parse_positive(-1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_request);
  EXPECT_EQ(r.error().message, "must be positive");
}

TEST(ResultTest, MovesOutMoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  std::unique_ptr<int> p = *std::move(r);
  EXPECT_EQ(*p, 7);
}

TEST(ResultTest, VoidResult) {
  Result<void> ok;
  EXPECT_TRUE(ok);
  Result<void> bad = make_error(Errc::not_found, "gone");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::not_found);
}

TEST(ErrorTest, WireNamesMatchTheContract) {
  EXPECT_EQ(to_string(Errc::email_taken), "email_taken");
  EXPECT_EQ(to_string(Errc::unsupported_media_type), "unsupported_media_type");
  EXPECT_EQ(to_string(Errc::too_many_attempts), "too_many_attempts");
  EXPECT_EQ(to_string(Errc::unavailable), "unavailable");
}

}  // namespace
}  // namespace findme
