// The one table from Errc to HTTP status, and the contract's error body.
#pragma once

#include "api/response.h"
#include "core/error.h"

namespace findme::api {

int http_status(Errc code);

// {"error": {"code", "message"}} with the status of `error.code`; 429 busy carries Retry-After.
Response error_response(const Error& error);

}  // namespace findme::api
