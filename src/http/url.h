// Request-target parsing: percent-decoding, path and query split, cookies.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace findme::http {

using Fields = std::vector<std::pair<std::string, std::string>>;

// Decodes %XX escapes (and '+' as space when `plus_is_space`, for query strings). nullopt for a
// bad escape or an encoded NUL.
std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space);

struct Target {
  std::string path;  // decoded
  Fields query;      // decoded, in order
};

// Splits "/a%20b?x=1&y" into path "/a b" and query {{x,1},{y,""}}. nullopt when the target is
// not origin-form ("/..."), or holds a bad escape.
std::optional<Target> parse_target(std::string_view target);

// Parses a Cookie header value "a=1; b=2" and appends to `out`; malformed pairs are skipped.
void parse_cookies(std::string_view header, Fields& out);

}  // namespace findme::http
