#include "domain/validation.h"

#include <algorithm>
#include <cctype>

#include "domain/secrets.h"

namespace findme::domain {
namespace {

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

Result<std::string> normalize_email(std::string_view email) {
  email = trim(email);
  const auto invalid = [] {
    return make_error(Errc::invalid_request, "email must be an address like name@example.org");
  };
  if (email.empty() || email.size() > 254) return invalid();
  const std::size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 ||
      email.find('@', at + 1) != std::string_view::npos) {
    return invalid();
  }
  const std::string_view domain = email.substr(at + 1);
  const std::size_t dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return invalid();
  std::string out;
  out.reserve(email.size());
  for (char c : email) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return invalid();
    out += ascii_lower(c);
  }
  return out;
}

Result<void> check_password(std::string_view password) {
  if (password.size() < 10 || password.size() > 1024) {
    return make_error(Errc::invalid_request, "password must be 10 to 1024 characters long");
  }
  return {};
}

Result<std::string> normalize_name(std::string_view name) {
  name = trim(name);
  if (name.empty() || name.size() > 100) {
    return make_error(Errc::invalid_request, "name must be 1 to 100 characters long");
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < ' ' || c == 0x7f) {
      return make_error(Errc::invalid_request, "name must not contain control characters");
    }
  }
  return std::string(name);
}

std::optional<std::string> normalize_event_code(std::string_view code) {
  std::string out;
  for (char c : trim(code)) {
    if (c == ' ' || c == '-') continue;
    const char upper = ascii_upper(c);
    if (kEventCodeAlphabet.find(upper) == std::string_view::npos) return std::nullopt;
    out += upper;
    if (out.size() > kEventCodeLength) return std::nullopt;
  }
  if (out.size() != kEventCodeLength) return std::nullopt;
  return out;
}

std::string generate_event_code() {
  std::string code;
  for (std::size_t i = 0; i < kEventCodeLength; ++i) {
    code += kEventCodeAlphabet[random_below(static_cast<std::uint32_t>(kEventCodeAlphabet.size()))];
  }
  return code;
}

}  // namespace findme::domain
