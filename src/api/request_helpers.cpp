#include "api/request_helpers.h"

#include "api/errors.h"

namespace findme::api {

std::optional<std::string_view> bearer_token(const Request& request) {
  if (std::optional<std::string_view> header = request.header("Authorization")) {
    constexpr std::string_view kScheme = "Bearer ";
    if (header->size() > kScheme.size() &&
        Request::iequals(header->substr(0, kScheme.size()), kScheme)) {
      return header->substr(kScheme.size());
    }
    return std::nullopt;
  }
  if (request.method != "GET" && request.method != "HEAD") return std::nullopt;
  return request.cookie("findme_token");
}

Result<User> authenticate(domain::Accounts& accounts, const Request& request) {
  std::optional<std::string_view> token = bearer_token(request);
  if (!token) {
    return make_error(Errc::unauthorized,
                      "sign in first: send Authorization: Bearer <token> from login");
  }
  return accounts.authenticate(*token);
}

Result<nlohmann::json> json_object_body(const Request& request) {
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return make_error(Errc::invalid_request, "the body must be a JSON object");
  }
  return body;
}

std::string text_field(const Request& request, const nlohmann::json& body, const char* name) {
  if (request.multipart) {
    std::optional<std::string_view> field = request.field(name);
    return field ? std::string(*field) : std::string();
  }
  auto it = body.find(name);
  if (it == body.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

}  // namespace findme::api
