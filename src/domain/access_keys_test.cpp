#include "domain/access_keys.h"

#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "domain/testing/job_test_world.h"

namespace findme::domain {
namespace {

using testing::JobWorld;
using testing::must;

class AccessKeysTest : public ::testing::Test {
 protected:
  User organizer(const std::string& name) {
    return must(world_.store.create_user({.email = name + "@example.org",
                                          .name = name,
                                          .role = Role::organizer,
                                          .password_hash = "x"}));
  }

  // last_used_at as stored, read without touching it.
  std::optional<Timestamp> last_used(const std::string& id) {
    std::optional<AccessKey> key = must(world_.store.find_access_key(id, false));
    EXPECT_TRUE(key) << id;
    return key ? key->last_used_at : std::nullopt;
  }

  JobWorld world_;
  AccessKeys keys_{world_.store, world_.clock};
};

TEST_F(AccessKeysTest, OnlyOrganizersCreateKeys) {
  const User attendee = *must(world_.store.find_user(world_.add_attendee("ada")));

  Result<AccessKey> refused = keys_.create(attendee);

  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::forbidden);
  EXPECT_TRUE(must(world_.store.list_access_keys(attendee.id)).empty());
}

TEST_F(AccessKeysTest, CreatedKeyIsShownWithItsSecretOnceAndListedWithout) {
  AccessKey first = must(keys_.create(world_.organizer));
  AccessKey second = must(keys_.create(world_.organizer, /*read_only=*/true));

  EXPECT_EQ(first.user_id, world_.organizer.id);
  EXPECT_EQ(first.secret.size(), 40u);
  EXPECT_FALSE(first.read_only);
  EXPECT_TRUE(second.read_only);
  EXPECT_EQ(first.created_at, world_.clock.now());
  EXPECT_FALSE(first.last_used_at);

  std::vector<AccessKey> listed = must(keys_.list(world_.organizer));
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, first.id);  // oldest first
  EXPECT_EQ(listed[1].id, second.id);
  EXPECT_TRUE(listed[1].read_only);
  for (const AccessKey& key : listed) EXPECT_TRUE(key.secret.empty()) << key.id;
  // The secret is kept: requests are verified with it.
  EXPECT_EQ(must(world_.store.find_access_key(first.id, false))->secret, first.secret);
}

TEST_F(AccessKeysTest, TenKeysAtMostUntilOneIsRevoked) {
  std::vector<AccessKey> made;
  made.reserve(AccessKeys::kMaxKeysPerUser);
  for (int i = 0; i < AccessKeys::kMaxKeysPerUser; ++i) {
    made.push_back(must(keys_.create(world_.organizer)));
  }
  Result<AccessKey> eleventh = keys_.create(world_.organizer);
  ASSERT_FALSE(eleventh);
  EXPECT_EQ(eleventh.error().code, Errc::invalid_request);
  EXPECT_NE(eleventh.error().message.find("10"), std::string::npos) << eleventh.error().message;

  // The limit is per user.
  EXPECT_TRUE(keys_.create(organizer("grace")));

  ASSERT_TRUE(keys_.revoke(world_.organizer, made[3].id));
  EXPECT_TRUE(keys_.create(world_.organizer));
}

TEST_F(AccessKeysTest, RevokingIsForTheKeysOwnerOnly) {
  const AccessKey key = must(keys_.create(world_.organizer));
  const User other = organizer("grace");

  Result<void> theirs = keys_.revoke(other, key.id);
  ASSERT_FALSE(theirs);
  EXPECT_EQ(theirs.error().code, Errc::not_found);
  EXPECT_TRUE(must(keys_.find_signer(key.id)));

  ASSERT_TRUE(keys_.revoke(world_.organizer, key.id));
  EXPECT_FALSE(must(keys_.find_signer(key.id)));
  Result<void> twice = keys_.revoke(world_.organizer, key.id);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, Errc::not_found);
}

TEST_F(AccessKeysTest, SignerIsTheKeyWithItsSecretAndItsOwner) {
  const AccessKey key = must(keys_.create(world_.organizer, /*read_only=*/true));

  std::optional<AccessKeys::Signer> signer = must(keys_.find_signer(key.id));

  ASSERT_TRUE(signer);
  EXPECT_EQ(signer->key.id, key.id);
  EXPECT_EQ(signer->key.secret, key.secret);
  EXPECT_TRUE(signer->key.read_only);
  EXPECT_EQ(signer->owner.id, world_.organizer.id);
  EXPECT_EQ(signer->owner.role, Role::organizer);
}

TEST_F(AccessKeysTest, UnknownKeysAndKeysOfErasedUsersHaveNoSigner) {
  EXPECT_FALSE(must(keys_.find_signer("AKFMAAAAAAAAAAAAAAAA")));
  EXPECT_FALSE(must(keys_.find_signer("")));

  const User grace = organizer("grace");
  const AccessKey key = must(keys_.create(grace));
  must(world_.store.delete_user(grace.id));
  EXPECT_FALSE(must(keys_.find_signer(key.id)));
}

TEST_F(AccessKeysTest, SigningMarksTheKeyUsedAtMostOnceAMinute) {
  const AccessKey key = must(keys_.create(world_.organizer));
  const Timestamp t0 = world_.clock.now();

  ASSERT_TRUE(must(keys_.find_signer(key.id)));
  EXPECT_EQ(last_used(key.id), t0);

  world_.clock.advance(std::chrono::seconds(30));
  ASSERT_TRUE(must(keys_.find_signer(key.id)));
  world_.clock.advance(std::chrono::seconds(30));
  ASSERT_TRUE(must(keys_.find_signer(key.id)));
  EXPECT_EQ(last_used(key.id), t0);

  world_.clock.advance(std::chrono::seconds(1));
  std::optional<AccessKeys::Signer> signer = must(keys_.find_signer(key.id));
  ASSERT_TRUE(signer);
  EXPECT_EQ(last_used(key.id), t0 + std::chrono::seconds(61));
  EXPECT_EQ(signer->key.last_used_at, t0 + std::chrono::seconds(61));
}

TEST(AccessKeyShapeTest, IdsAreAkfmAndSixteenBase32Characters) {
  const std::regex shape("AKFM[A-Z2-7]{16}");
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string id = new_access_key_id();
    EXPECT_TRUE(std::regex_match(id, shape)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST(AccessKeyShapeTest, SecretsAreFortyBase64Characters) {
  const std::regex shape("[A-Za-z0-9+/]{40}");
  std::set<std::string> seen;
  std::set<char> used;
  for (int i = 0; i < 200; ++i) {
    const std::string secret = new_secret_access_key();
    EXPECT_TRUE(std::regex_match(secret, shape)) << secret;
    seen.insert(secret);
    used.insert(secret.begin(), secret.end());
  }
  EXPECT_EQ(seen.size(), 200u);
  // 8,000 draws from 64 characters: every one of them turns up.
  EXPECT_EQ(used.size(), 64u);
}

}  // namespace
}  // namespace findme::domain
