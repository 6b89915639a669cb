#include "api/errors.h"

namespace findme::api {

int http_status(Errc code) {
  switch (code) {
    case Errc::invalid_request:
    case Errc::invalid_image:
    case Errc::no_face_found:
    case Errc::invalid_event_code:
      return 400;
    case Errc::unauthorized:
      return 401;
    case Errc::forbidden:
      return 403;
    case Errc::not_found:
      return 404;
    case Errc::email_taken:
      return 409;
    case Errc::payload_too_large:
      return 413;
    case Errc::unsupported_media_type:
      return 415;
    case Errc::busy:
    case Errc::too_many_attempts:
      return 429;
    case Errc::internal:
      return 500;
    case Errc::unavailable:
      return 503;
  }
  return 500;
}

Response error_response(const Error& error) {
  Response response =
      Response::error(http_status(error.code), to_string(error.code), error.message);
  if (error.code == Errc::busy || error.code == Errc::unavailable) {
    response.set_header("Retry-After", "5");
  }
  return response;
}

}  // namespace findme::api
