// Small pieces every route uses: the caller's identity, JSON bodies, success responses.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/errors.h"
#include "api/request.h"
#include "api/response.h"
#include "core/entities.h"
#include "core/result.h"
#include "domain/accounts.h"

namespace findme::api {

// The bearer token from "Authorization: Bearer ...". For GET and HEAD only, the web app's
// findme_token cookie also counts, so that <img> tags and download links are authorised; a
// request that changes something must carry the header, so a forged cross-site form or link
// can never act with the cookie (defence in depth beside the cookie's SameSite=Strict).
std::optional<std::string_view> bearer_token(const Request& request);

// The signed-in user. Errc::unauthorized without a valid token.
Result<User> authenticate(domain::Accounts& accounts, const Request& request);

// The body as a JSON object. Errc::invalid_request otherwise.
Result<nlohmann::json> json_object_body(const Request& request);

// A string member, or a form field for multipart bodies; empty when absent.
std::string text_field(const Request& request, const nlohmann::json& body, const char* name);

// A Result as a response: `ok` builds the success; errors go through error_response().
template <class T, class Fn>
Response respond(Result<T> result, Fn&& ok) {
  if (!result) return error_response(result.error());
  return ok(*result);
}

}  // namespace findme::api
