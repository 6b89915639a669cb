// Small text helpers shared by the HTTP parsers (multipart, URLs, cookies, conditional headers).
#pragma once

#include <string_view>

namespace findme::http {

// s without leading and trailing optional whitespace (RFC 9110 OWS: spaces and tabs).
inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value of one hexadecimal digit, or -1 for any other character.
inline int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace findme::http
