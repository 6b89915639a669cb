// Accounts: organizer sign-up, login with throttling, bearer tokens, account erasure.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/entities.h"
#include "core/result.h"
#include "domain/file_store.h"
#include "store/store.h"

namespace findme::domain {

struct AccountOptions {
  std::chrono::hours token_lifetime{24 * 30};
  int max_failed_logins = 5;                     // API.md decision 16: 5 failures per email ...
  std::chrono::minutes failed_login_window{15};  // ... within 15 minutes
};

// A signed-in user and the bearer token that proves it (the token is shown once, stored hashed).
struct Session {
  User user;
  std::string token;
};

struct Profile {
  User user;
  std::vector<Event> events;  // organizer: their events; attendee: the events they joined
};

// Thread-safe. Calls hash passwords (tens of milliseconds): run them on a blocking pool.
class Accounts {
 public:
  Accounts(store::Store& store, FileStore& files, const Clock& clock, AccountOptions options = {});

  // Errc::invalid_request for a malformed email, password or name; Errc::email_taken.
  Result<Session> register_organizer(std::string_view email, std::string_view password,
                                     std::string_view name);

  // Errc::unauthorized for a wrong email or password (the same message for both);
  // Errc::too_many_attempts after options.max_failed_logins failures within the window.
  Result<Session> login(std::string_view email, std::string_view password);

  // Creates an attendee, or signs in an existing attendee whose password is right (`created`
  // false). Errc::email_taken for a wrong password or an organizer's address.
  struct AttendeeSession {
    Session session;
    bool created = false;
  };
  Result<AttendeeSession> sign_in_attendee(std::string_view email, std::string_view password,
                                           std::string_view name);

  // The token's user. Errc::unauthorized when the token is unknown or expired.
  Result<User> authenticate(std::string_view token);

  // Ends this token only (API.md decision 17).
  Result<void> logout(std::string_view token);

  Result<Profile> profile(const User& user);

  // Erases the account, its selfies, face data and matches (an organizer's events too), then
  // their files.
  Result<void> erase(const User& user);

 private:
  Result<Session> issue_token(User user);

  store::Store& store_;
  FileStore& files_;
  const Clock& clock_;
  AccountOptions options_;
};

}  // namespace findme::domain
