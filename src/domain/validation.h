// Checks on what clients send, per API.md's decision 13, and event-code normalisation.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace findme::domain {

// Trimmed and lower-cased address. Errc::invalid_request unless it has one '@', a dot in the
// domain, no spaces and at most 254 characters.
Result<std::string> normalize_email(std::string_view email);

// Errc::invalid_request unless 10 to 1024 characters.
Result<void> check_password(std::string_view password);

// Trimmed name. Errc::invalid_request unless 1 to 100 characters after trimming.
Result<std::string> normalize_name(std::string_view name);

// Event codes use an alphabet without look-alikes: no 0/O, 1/I/L. Input is case-insensitive and
// may carry spaces or dashes ("abc-d23" reads as "ABCD23").
inline constexpr std::string_view kEventCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
inline constexpr std::size_t kEventCodeLength = 6;  // 31^6 = 887 million codes

// The canonical code, or nullopt when it cannot be a code (wrong length or characters).
std::optional<std::string> normalize_event_code(std::string_view code);

// A fresh random code in the canonical form.
std::string generate_event_code();

}  // namespace findme::domain
