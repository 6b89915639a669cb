#include "domain/events.h"

#include <gtest/gtest.h>

#include "domain/testing/job_test_world.h"
#include "domain/validation.h"

namespace findme::domain {
namespace {

using testing::JobWorld;
using testing::must;

class EventsTest : public ::testing::Test {
 protected:
  User organizer(const std::string& name) {
    return must(world_.store.create_user({.email = name + "@example.org",
                                          .name = name,
                                          .role = Role::organizer,
                                          .password_hash = "x"}));
  }

  JobWorld world_;
  std::vector<EventId> dropped_;
  Events events_{world_.store, world_.files, [this](EventId id) { dropped_.push_back(id); }};
};

TEST_F(EventsTest, CreatedCodesAreReadableAndFoundInAnyCase) {
  User ada = organizer("ada");
  Result<Event> event = events_.create(ada, "Harbour Run", std::nullopt);
  ASSERT_TRUE(event) << event.error().message;
  ASSERT_EQ(event->code.size(), kEventCodeLength);
  for (char c : event->code) EXPECT_NE(kEventCodeAlphabet.find(c), std::string_view::npos) << c;

  std::string lower = event->code;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  Result<Event> found = events_.find_public(lower.substr(0, 3) + "-" + lower.substr(3));
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->id, event->id);
}

TEST_F(EventsTest, ConfusableOrUnknownCodesAreNotFound) {
  for (const char* code : {"O0IL1A", "", "ABC", "ABCDEFG", "ZZZZZZ"}) {
    Result<Event> r = events_.find_public(code);
    ASSERT_FALSE(r) << code;
    EXPECT_EQ(r.error().code, Errc::not_found);
  }
}

TEST_F(EventsTest, OnlyOrganizersCreateAndList) {
  User attendee = must(world_.store.create_user(
      {.email = "bob@example.org", .name = "Bob", .role = Role::attendee, .password_hash = "x"}));
  Result<Event> created = events_.create(attendee, "Party", std::nullopt);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, Errc::forbidden);
  Result<std::vector<Event>> listed = events_.list(attendee);
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().code, Errc::forbidden);
}

TEST_F(EventsTest, AnotherOrganizersEventIsNotFoundForStatsAndDelete) {
  User ada = organizer("ada");
  User eve = organizer("eve");
  Result<Event> event = events_.create(ada, "Harbour Run", std::nullopt);
  ASSERT_TRUE(event);
  Result<EventStats> stats = events_.stats(eve, event->code);
  ASSERT_FALSE(stats);
  EXPECT_EQ(stats.error().code, Errc::not_found);
  Result<void> removed = events_.remove(eve, event->code);
  ASSERT_FALSE(removed);
  EXPECT_EQ(removed.error().code, Errc::not_found);
  EXPECT_TRUE(events_.find_public(event->code));
}

TEST_F(EventsTest, DeleteErasesPhotosFilesAndTellsTheIndex) {
  store::PhotoAndJob photo = world_.add_photo(testing::fake_image("p"));
  Result<std::filesystem::path> path = world_.files.path_of(photo.photo.storage_key);
  ASSERT_TRUE(path);
  ASSERT_TRUE(std::filesystem::exists(*path));

  ASSERT_TRUE(events_.remove(world_.organizer, world_.event.code));

  EXPECT_FALSE(std::filesystem::exists(*path));
  EXPECT_FALSE(must(world_.store.find_photo(photo.photo.id)).has_value());
  ASSERT_EQ(dropped_.size(), 1u);
  EXPECT_EQ(dropped_.front(), world_.event.id);
  EXPECT_FALSE(events_.find_public(world_.event.code));
}

TEST(EventCodeTest, GeneratedCodesNormalizeToThemselves) {
  for (int i = 0; i < 200; ++i) {
    const std::string code = generate_event_code();
    std::optional<std::string> normalized = normalize_event_code(code);
    ASSERT_TRUE(normalized) << code;
    EXPECT_EQ(*normalized, code);
  }
}

}  // namespace
}  // namespace findme::domain
