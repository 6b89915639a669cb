// Passwords, bearer tokens and random identifiers, on libsodium.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"

namespace findme::domain {

// Thread-safe free functions; the first call initialises libsodium.

// argon2id, encoded with its parameters and salt (libsodium's crypto_pwhash_str). Slow on
// purpose (~20-40 ms): call it from a blocking pool, never an I/O thread.
// Errc::internal when libsodium cannot allocate its memory.
Result<std::string> hash_password(std::string_view password);

// Constant-time check against a hash_password() result.
bool verify_password(std::string_view password, std::string_view encoded_hash);

// A new bearer token: 256 random bits, URL-safe base64 without padding (43 characters).
std::string new_token();

// What the database keeps of a token: its SHA-256 in hex. A stolen database yields no token.
std::string token_hash(std::string_view token);

// SHA-256 of `bytes`, lower-case hex (64 characters). Identifies a file's content.
std::string sha256_hex(std::span<const std::byte> bytes);

// `bytes` random bytes as lower-case hex.
std::string random_hex(std::size_t bytes);

// Uniform random integer in [0, bound).
std::uint32_t random_below(std::uint32_t bound);

}  // namespace findme::domain
