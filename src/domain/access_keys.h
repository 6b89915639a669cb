// Access keys for the Rekognition-compatible API: an organizer creates a key pair, programs sign
// their requests with it (AWS Signature Version 4), and the organizer revokes it when done.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/entities.h"
#include "core/result.h"
#include "store/store.h"

namespace findme::domain {

// Thread-safe.
class AccessKeys {
 public:
  AccessKeys(store::Store& store, const Clock& clock);

  // A new key pair; its secret is shown to its owner once, now. Organizers only (their keys act
  // on their own face collections): Errc::forbidden for an attendee. Errc::invalid_request beyond
  // kMaxKeysPerUser keys.
  Result<AccessKey> create(const User& user, bool read_only = false);
  // The user's keys, oldest first, without their secrets.
  Result<std::vector<AccessKey>> list(const User& user);
  // Errc::not_found when the user has no key with that id.
  Result<void> revoke(const User& user, std::string_view key_id);

  // The key a signed request names, with its secret, and its owner; marks it used (at most once
  // a minute: a durable write per request would cost more than the request). nullopt when the
  // key is unknown (revoked, or its owner erased).
  struct Signer {
    AccessKey key;
    User owner;
  };
  Result<std::optional<Signer>> find_signer(std::string_view key_id);

  static constexpr int kMaxKeysPerUser = 10;

 private:
  store::Store& store_;
  const Clock& clock_;
};

// The shapes of AWS credentials: "AKFM" + 16 characters of [A-Z2-7] (20 in all, like AWS's
// "AKIA..." ids), and 40 characters of [A-Za-z0-9+/] for the secret.
std::string new_access_key_id();
std::string new_secret_access_key();

}  // namespace findme::domain
