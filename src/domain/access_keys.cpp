#include "domain/access_keys.h"

#include <string_view>

#include "domain/secrets.h"

namespace findme::domain {
namespace {

std::string random_chars(std::string_view alphabet, std::size_t length) {
  std::string out;
  out.reserve(length);
  for (std::size_t i = 0; i < length; ++i) {
    out += alphabet[random_below(static_cast<std::uint32_t>(alphabet.size()))];
  }
  return out;
}

}  // namespace

std::string new_access_key_id() {
  return "AKFM" + random_chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
}

std::string new_secret_access_key() {
  return random_chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40);
}

AccessKeys::AccessKeys(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

Result<AccessKey> AccessKeys::create(const User& user, bool read_only) {
  if (user.role != Role::organizer) {
    return make_error(Errc::forbidden, "Only organizers can create API access keys.");
  }
  Result<std::vector<AccessKey>> existing = store_.list_access_keys(user.id);
  if (!existing) return existing.error();
  if (existing->size() >= static_cast<std::size_t>(kMaxKeysPerUser)) {
    return make_error(Errc::invalid_request,
                      "You have " + std::to_string(kMaxKeysPerUser) +
                          " access keys already: revoke one you no longer use first.");
  }
  const NewAccessKey key{.id = new_access_key_id(),
                         .user_id = user.id,
                         .secret = new_secret_access_key(),
                         .read_only = read_only};
  if (Result<void> r = store_.create_access_key(key); !r) return r.error();
  Result<std::optional<AccessKey>> stored = store_.find_access_key(key.id, false);
  if (!stored) return stored.error();
  if (!*stored) return make_error(Errc::internal, "The new access key could not be read back.");
  return **stored;
}

Result<std::vector<AccessKey>> AccessKeys::list(const User& user) {
  Result<std::vector<AccessKey>> keys = store_.list_access_keys(user.id);
  if (!keys) return keys.error();
  for (AccessKey& key : *keys) key.secret.clear();
  return keys;
}

Result<void> AccessKeys::revoke(const User& user, std::string_view key_id) {
  Result<bool> deleted = store_.delete_access_key(user.id, key_id);
  if (!deleted) return deleted.error();
  if (!*deleted) return make_error(Errc::not_found, "You have no access key with that id.");
  return {};
}

Result<std::optional<AccessKeys::Signer>> AccessKeys::find_signer(std::string_view key_id) {
  Result<std::optional<AccessKey>> key = store_.find_access_key(key_id, false);
  if (!key) return key.error();
  if (!*key) return std::optional<Signer>();
  if (!(*key)->last_used_at || clock_.now() - *(*key)->last_used_at > std::chrono::minutes(1)) {
    key = store_.find_access_key(key_id, true);
    if (!key) return key.error();
    if (!*key) return std::optional<Signer>();
  }
  Result<std::optional<User>> owner = store_.find_user((*key)->user_id);
  if (!owner) return owner.error();
  if (!*owner) return std::optional<Signer>();
  return std::optional<Signer>(Signer{.key = std::move(**key), .owner = std::move(**owner)});
}

}  // namespace findme::domain
