#include "domain/accounts.h"

#include <gtest/gtest.h>

#include "domain/testing/job_test_world.h"

namespace findme::domain {
namespace {

using testing::JobWorld;

class AccountsTest : public ::testing::Test {
 protected:
  JobWorld world_;
  Accounts accounts_{world_.store, world_.files, world_.clock};
};

TEST_F(AccountsTest, OrganizerSignsUpAndTheTokenAuthenticates) {
  Result<Session> session =
      accounts_.register_organizer(" Ada@Example.ORG ", "correct horse battery", " Ada ");
  ASSERT_TRUE(session) << session.error().message;
  EXPECT_EQ(session->user.email, "ada@example.org");
  EXPECT_EQ(session->user.name, "Ada");
  EXPECT_EQ(session->user.role, Role::organizer);
  EXPECT_EQ(session->token.size(), 43u);

  Result<User> me = accounts_.authenticate(session->token);
  ASSERT_TRUE(me) << me.error().message;
  EXPECT_EQ(me->id, session->user.id);
  // The password is stored as an argon2id hash, never as given.
  EXPECT_EQ(me->password_hash.rfind("$argon2id$", 0), 0u);
}

TEST_F(AccountsTest, DuplicateEmailInAnyCaseIsTaken) {
  ASSERT_TRUE(accounts_.register_organizer("ada@example.org", "correct horse battery", "Ada"));
  Result<Session> again = accounts_.register_organizer("ADA@example.org", "another password", "A");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::email_taken);
}

TEST_F(AccountsTest, BadInputIsRejectedWithWhatToFix) {
  for (auto [email, password, name] : {
           std::tuple{"no-at-sign", "correct horse battery", "Ada"},
           std::tuple{"a@b@example.org", "correct horse battery", "Ada"},
           std::tuple{"ada@localhost", "correct horse battery", "Ada"},
           std::tuple{"ada@example.org", "short", "Ada"},
           std::tuple{"ada@example.org", "correct horse battery", "   "},
       }) {
    Result<Session> r = accounts_.register_organizer(email, password, name);
    ASSERT_FALSE(r) << email << " / " << password << " / " << name;
    EXPECT_EQ(r.error().code, Errc::invalid_request);
    EXPECT_FALSE(r.error().message.empty());
  }
  EXPECT_FALSE(accounts_.register_organizer("ada@example.org", std::string(1025, 'x'), "Ada"));
  EXPECT_FALSE(accounts_.register_organizer("ada@example.org", "correct horse battery",
                                            std::string(101, 'n')));
}

TEST_F(AccountsTest, LoginThrottlesAfterFiveFailuresWithinFifteenMinutes) {
  ASSERT_TRUE(accounts_.register_organizer("ada@example.org", "correct horse battery", "Ada"));
  for (int i = 0; i < 5; ++i) {
    Result<Session> wrong = accounts_.login("ada@example.org", "wrong password!");
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, Errc::unauthorized);
  }
  Result<Session> blocked = accounts_.login("ada@example.org", "correct horse battery");
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, Errc::too_many_attempts);

  world_.clock.advance(std::chrono::minutes(16));
  Result<Session> later = accounts_.login("ADA@example.org", "correct horse battery");
  ASSERT_TRUE(later) << later.error().message;
}

TEST_F(AccountsTest, UnknownEmailAndWrongPasswordLookTheSame) {
  ASSERT_TRUE(accounts_.register_organizer("ada@example.org", "correct horse battery", "Ada"));
  Result<Session> unknown = accounts_.login("bob@example.org", "correct horse battery");
  Result<Session> wrong = accounts_.login("ada@example.org", "wrong password!");
  ASSERT_FALSE(unknown);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(unknown.error().code, wrong.error().code);
  EXPECT_EQ(unknown.error().message, wrong.error().message);
}

TEST_F(AccountsTest, LogoutEndsOnlyThatToken) {
  Result<Session> first =
      accounts_.register_organizer("ada@example.org", "correct horse battery", "Ada");
  ASSERT_TRUE(first);
  Result<Session> second = accounts_.login("ada@example.org", "correct horse battery");
  ASSERT_TRUE(second);
  ASSERT_TRUE(accounts_.logout(first->token));
  EXPECT_FALSE(accounts_.authenticate(first->token));
  EXPECT_TRUE(accounts_.authenticate(second->token));
}

TEST_F(AccountsTest, TokensExpire) {
  Result<Session> s = accounts_.register_organizer("ada@example.org", "correct horse battery", "A");
  ASSERT_TRUE(s);
  world_.clock.advance(std::chrono::hours(24 * 31));
  Result<User> expired = accounts_.authenticate(s->token);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, Errc::unauthorized);
}

TEST_F(AccountsTest, AttendeeSignInCreatesThenJoinsWithTheRightPasswordOnly) {
  Result<Accounts::AttendeeSession> created =
      accounts_.sign_in_attendee("bob@example.org", "bob's long password", "Bob");
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_TRUE(created->created);
  EXPECT_EQ(created->session.user.role, Role::attendee);

  Result<Accounts::AttendeeSession> again =
      accounts_.sign_in_attendee("bob@example.org", "bob's long password", "Bob");
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->session.user.id, created->session.user.id);
  EXPECT_NE(again->session.token, created->session.token);

  Result<Accounts::AttendeeSession> wrong =
      accounts_.sign_in_attendee("bob@example.org", "not bob's password", "Bob");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, Errc::email_taken);
}

TEST_F(AccountsTest, AnOrganizerCannotJoinAsAttendee) {
  ASSERT_TRUE(accounts_.register_organizer("ada@example.org", "correct horse battery", "Ada"));
  Result<Accounts::AttendeeSession> r =
      accounts_.sign_in_attendee("ada@example.org", "correct horse battery", "Ada");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::email_taken);
}

TEST_F(AccountsTest, EraseRemovesTheAccountItsTokensAndSelfieFiles) {
  Result<Accounts::AttendeeSession> bob =
      accounts_.sign_in_attendee("bob@example.org", "bob's long password", "Bob");
  ASSERT_TRUE(bob);
  store::SelfieAndJob selfie =
      world_.add_selfie(bob->session.user.id, testing::fake_image("bob"), world_.event.id);
  Result<std::filesystem::path> selfie_path = world_.files.path_of(selfie.selfie.storage_key);
  ASSERT_TRUE(selfie_path);
  ASSERT_TRUE(std::filesystem::exists(*selfie_path));

  ASSERT_TRUE(accounts_.erase(bob->session.user));

  EXPECT_FALSE(std::filesystem::exists(*selfie_path));
  EXPECT_FALSE(accounts_.authenticate(bob->session.token));
  Result<std::optional<User>> gone = world_.store.find_user(bob->session.user.id);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(gone->has_value());
}

}  // namespace
}  // namespace findme::domain
