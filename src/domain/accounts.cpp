#include "domain/accounts.h"

#include "domain/secrets.h"
#include "domain/validation.h"

namespace findme::domain {
namespace {

Error wrong_credentials() { return make_error(Errc::unauthorized, "wrong email or password"); }

}  // namespace

Accounts::Accounts(store::Store& store, FileStore& files, const Clock& clock,
                   AccountOptions options)
    : store_(store), files_(files), clock_(clock), options_(options) {}

Result<Session> Accounts::issue_token(User user) {
  std::string token = new_token();
  const NewToken row{token_hash(token), user.id, clock_.now() + options_.token_lifetime};
  if (Result<void> r = store_.create_token(row); !r) return r.error();
  return Session{std::move(user), std::move(token)};
}

Result<Session> Accounts::register_organizer(std::string_view email, std::string_view password,
                                             std::string_view name) {
  Result<std::string> address = normalize_email(email);
  if (!address) return address.error();
  if (Result<void> r = check_password(password); !r) return r.error();
  Result<std::string> display = normalize_name(name);
  if (!display) return display.error();
  Result<std::string> hash = hash_password(password);
  if (!hash) return hash.error();
  Result<User> user = store_.create_user(NewUser{
      .email = *address, .name = *display, .role = Role::organizer, .password_hash = *hash});
  if (!user) return user.error();
  return issue_token(std::move(*user));
}

Result<Session> Accounts::login(std::string_view email, std::string_view password) {
  Result<std::string> address = normalize_email(email);
  if (!address) return wrong_credentials();
  Result<std::int64_t> failures =
      store_.count_failed_logins(*address, clock_.now() - options_.failed_login_window);
  if (!failures) return failures.error();
  if (*failures >= options_.max_failed_logins) {
    return make_error(Errc::too_many_attempts,
                      "too many failed logins for this email; wait 15 minutes and try again");
  }
  Result<std::optional<User>> user = store_.find_user_by_email(*address);
  if (!user) return user.error();
  // Hash even for an unknown address so that timing does not reveal which emails exist.
  bool ok = false;
  if (*user) {
    ok = verify_password(password, (*user)->password_hash);
  } else {
    (void)hash_password(password);
  }
  if (!ok) {
    if (Result<void> r = store_.record_failed_login(*address); !r) return r.error();
    return wrong_credentials();
  }
  if (Result<void> r = store_.clear_failed_logins(*address); !r) return r.error();
  return issue_token(std::move(**user));
}

Result<Accounts::AttendeeSession> Accounts::sign_in_attendee(std::string_view email,
                                                             std::string_view password,
                                                             std::string_view name) {
  Result<std::string> address = normalize_email(email);
  if (!address) return address.error();
  if (Result<void> r = check_password(password); !r) return r.error();
  Result<std::string> display = normalize_name(name);
  if (!display) return display.error();

  Result<std::optional<User>> existing = store_.find_user_by_email(*address);
  if (!existing) return existing.error();
  if (*existing) {
    const User& user = **existing;
    if (user.role != Role::attendee || !verify_password(password, user.password_hash)) {
      return make_error(Errc::email_taken,
                        "this email already has an account; log in with its password or use "
                        "another email");
    }
    Result<Session> session = issue_token(user);
    if (!session) return session.error();
    return AttendeeSession{std::move(*session), false};
  }
  Result<std::string> hash = hash_password(password);
  if (!hash) return hash.error();
  Result<User> user = store_.create_user(
      NewUser{.email = *address, .name = *display, .role = Role::attendee, .password_hash = *hash});
  if (!user) return user.error();
  Result<Session> session = issue_token(std::move(*user));
  if (!session) return session.error();
  return AttendeeSession{std::move(*session), true};
}

Result<User> Accounts::authenticate(std::string_view token) {
  if (token.empty() || token.size() > 256) {
    return make_error(Errc::unauthorized, "sign in first: this needs a valid bearer token");
  }
  Result<std::optional<User>> user = store_.find_user_by_token(token_hash(token));
  if (!user) return user.error();
  if (!*user) {
    return make_error(Errc::unauthorized, "the token is unknown or expired; sign in again");
  }
  return std::move(**user);
}

Result<void> Accounts::logout(std::string_view token) {
  return store_.delete_token(token_hash(token));
}

Result<Profile> Accounts::profile(const User& user) {
  Result<std::vector<Event>> events = user.role == Role::organizer
                                          ? store_.list_organizer_events(user.id)
                                          : store_.list_joined_events(user.id);
  if (!events) return events.error();
  return Profile{user, std::move(*events)};
}

Result<void> Accounts::erase(const User& user) {
  Result<store::OrphanedKeys> keys = store_.delete_user(user.id);
  if (!keys) return keys.error();
  for (const std::string& key : *keys) files_.remove(key);
  return {};
}

}  // namespace findme::domain
