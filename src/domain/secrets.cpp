#include "domain/secrets.h"

#include <array>
#include <cstdlib>
#include <mutex>
#include <vector>

#include <sodium.h>

namespace findme::domain {
namespace {

// OWASP's argon2id recommendation (m = 19 MiB, t = 2, p = 1): strong enough for passwords of at
// least 10 characters, cheap enough (~25 ms here) that 30 registrations at once stay well under
// the 250 ms p95 target on two cores. libsodium's INTERACTIVE preset uses 64 MiB per hash.
constexpr unsigned long long kOpsLimit = 2;
constexpr std::size_t kMemLimit = 19UL * 1024 * 1024;

void ensure_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();  // no safe randomness: nothing can work
  });
}

}  // namespace

Result<std::string> hash_password(std::string_view password) {
  ensure_sodium();
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), kOpsLimit, kMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return make_error(Errc::internal, "the server is out of memory; try again");
  }
  return std::string(out.data());
}

bool verify_password(std::string_view password, std::string_view encoded_hash) {
  ensure_sodium();
  const std::string hash(encoded_hash);  // libsodium wants a NUL-terminated string
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string new_token() {
  ensure_sodium();
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::array<char, 64> out{};
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string(out.data());
}

std::string token_hash(std::string_view token) {
  return sha256_hex(std::as_bytes(std::span(token.data(), token.size())));
}

std::string sha256_hex(std::span<const std::byte> bytes) {
  ensure_sodium();
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data());
}

std::string random_hex(std::size_t bytes) {
  ensure_sodium();
  std::vector<unsigned char> buffer(bytes);
  randombytes_buf(buffer.data(), buffer.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), buffer.data(), buffer.size());
  hex.pop_back();
  return hex;
}

std::uint32_t random_below(std::uint32_t bound) {
  ensure_sodium();
  return randombytes_uniform(bound);
}

}  // namespace findme::domain
