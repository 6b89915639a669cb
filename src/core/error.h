// One error vocabulary for every layer. The codes are API.md's; only api/ decides which HTTP
// status each becomes.
#pragma once

#include <string>
#include <string_view>

namespace findme {

enum class Errc {
  invalid_request,
  invalid_image,
  no_face_found,
  invalid_event_code,
  unauthorized,
  forbidden,
  not_found,
  email_taken,
  payload_too_large,
  unsupported_media_type,
  busy,
  too_many_attempts,
  internal,
  unavailable,
};

// Wire form: Errc::email_taken -> "email_taken".
std::string_view to_string(Errc code);

struct Error {
  Errc code;
  std::string message;  // for the client: what went wrong and what to do next
};

}  // namespace findme
