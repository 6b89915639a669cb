// libFuzzer harness: request targets, query strings and Cookie headers (http/url.h). The input is
// a request target; it is also read as a Cookie header and percent-decoded both ways.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/url.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (std::optional<findme::http::Target> target = findme::http::parse_target(input)) {
    if (target->path.empty() || target->path.front() != '/') {
      std::abort();  // origin-form only
    }
  }
  for (const bool plus : {false, true}) {
    if (std::optional<std::string> decoded = findme::http::percent_decode(input, plus)) {
      const bool nul_made =
          decoded->find('\0') != std::string::npos && input.find('\0') == std::string_view::npos;
      if (decoded->size() > input.size() || nul_made) {
        std::abort();  // decoding never grows, and an encoded NUL is refused
      }
    }
  }
  findme::http::Fields cookies;
  findme::http::parse_cookies(input, cookies);
  return 0;
}
