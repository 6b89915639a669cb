#include "core/error.h"

namespace findme {

std::string_view to_string(Errc code) {
  switch (code) {
    case Errc::invalid_request:
      return "invalid_request";
    case Errc::invalid_image:
      return "invalid_image";
    case Errc::no_face_found:
      return "no_face_found";
    case Errc::invalid_event_code:
      return "invalid_event_code";
    case Errc::unauthorized:
      return "unauthorized";
    case Errc::forbidden:
      return "forbidden";
    case Errc::not_found:
      return "not_found";
    case Errc::email_taken:
      return "email_taken";
    case Errc::payload_too_large:
      return "payload_too_large";
    case Errc::unsupported_media_type:
      return "unsupported_media_type";
    case Errc::busy:
      return "busy";
    case Errc::too_many_attempts:
      return "too_many_attempts";
    case Errc::internal:
      return "internal";
    case Errc::unavailable:
      return "unavailable";
  }
  return "internal";
}

}  // namespace findme
