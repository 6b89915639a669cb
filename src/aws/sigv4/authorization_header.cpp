// The Authorization header parser. Every refusal is kIncompleteSignature: the header is the
// client's, and a malformed one says its signer is broken, not that someone guessed wrong.
#include "aws/sigv4/authorization_header.h"

#include <optional>

#include "aws/sigv4/text.h"

namespace findme::aws::sigv4 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

AwsError incomplete(std::string message) { return {kIncompleteSignature, std::move(message), {}}; }

// RFC 9110 token characters: what a header name may be made of.
bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

AwsResult<CredentialScope> parse_credential(std::string_view value) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = value.find('/', start);
    parts.push_back(value.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  // AWS's own wording for this mistake.
  if (parts.size() != 5) {
    return incomplete(
        "Credential must have exactly 5 slash-delimited elements, e.g. "
        "keyid/date/region/service/term, got '" +
        printable(value) + "'");
  }
  for (const std::string_view part : parts) {
    if (part.empty()) {
      return incomplete("Credential has an empty element, got '" + printable(value) + "'");
    }
  }
  if (parts[1].size() != 8 || !is_digits(parts[1])) {
    return incomplete("Credential date must be YYYYMMDD, got '" + printable(parts[1]) + "'");
  }
  return CredentialScope{std::string(parts[0]), std::string(parts[1]), std::string(parts[2]),
                         std::string(parts[3]), std::string(parts[4])};
}

AwsResult<std::vector<std::string>> parse_signed_headers(std::string_view value) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (true) {
    const std::size_t semicolon = value.find(';', start);
    const std::string_view name = value.substr(start, semicolon - start);
    if (name.empty()) {
      return incomplete("SignedHeaders has an empty name: '" + printable(value) + "'");
    }
    for (const char c : name) {
      // The canonical request carries the list as sent, so a name that is not already in its
      // canonical (lower-case) form can only come from a broken signer.
      if (!is_token_char(c) || ascii_lower(c) != c) {
        return incomplete("SignedHeaders must be lower-case header names separated by ';': '" +
                          printable(value) + "'");
      }
    }
    if (!names.empty() && !(names.back() < name)) {
      return incomplete("SignedHeaders must be sorted and without repeats: '" + printable(value) +
                        "'");
    }
    names.emplace_back(name);
    if (semicolon == std::string_view::npos) break;
    start = semicolon + 1;
  }
  return names;
}

AwsResult<Digest> parse_signature(std::string_view value) {
  Digest digest{};
  if (value.size() != 2 * digest.size()) {
    return incomplete("Signature must be 64 hexadecimal digits, got " +
                      std::to_string(value.size()) + " characters");
  }
  for (std::size_t i = 0; i < digest.size(); ++i) {
    const int high = hex_digit_value(value[2 * i]);
    const int low = hex_digit_value(value[2 * i + 1]);
    if (high < 0 || low < 0) {
      return incomplete("Signature must be 64 hexadecimal digits: '" + printable(value) + "'");
    }
    digest[i] = static_cast<unsigned char>(high * 16 + low);
  }
  return digest;
}

// The three parameters after the algorithm, each a view into the header; a missing one is empty.
struct Parameters {
  std::optional<std::string_view> credential;
  std::optional<std::string_view> signed_headers;
  std::optional<std::string_view> signature;
};

AwsResult<Parameters> split_parameters(std::string_view list) {
  Parameters parameters;
  if (list.empty()) return parameters;
  while (true) {
    const std::size_t comma = list.find(',');
    const std::string_view item = trim_ascii_space(list.substr(0, comma));
    const std::size_t equals = item.find('=');
    const std::string_view key = item.substr(0, equals);
    std::optional<std::string_view>* slot = key == "Credential"      ? &parameters.credential
                                            : key == "SignedHeaders" ? &parameters.signed_headers
                                            : key == "Signature"     ? &parameters.signature
                                                                     : nullptr;
    if (equals == std::string_view::npos || slot == nullptr) {
      return incomplete(
          "Authorization header parameters must be Credential=..., "
          "SignedHeaders=..., Signature=...; got '" +
          printable(item) + "'");
    }
    if (slot->has_value()) {
      return incomplete("Authorization header repeats the '" + std::string(key) + "' parameter");
    }
    *slot = item.substr(equals + 1);
    for (const char c : **slot) {
      if (is_ascii_space(c)) {
        return incomplete("Authorization header parameter '" + std::string(key) +
                          "' must not contain white space");
      }
    }
    if (comma == std::string_view::npos) return parameters;
    list.remove_prefix(comma + 1);
  }
}

}  // namespace

AwsResult<Authorization> parse_authorization_header(std::string_view value) {
  value = trim_ascii_space(value);
  std::size_t space = 0;
  while (space < value.size() && !is_ascii_space(value[space])) ++space;
  const std::string_view algorithm = value.substr(0, space);
  if (algorithm != kAlgorithm) {
    return incomplete("Unsupported AWS 'algorithm': '" + printable(algorithm) +
                      "'; only AWS4-HMAC-SHA256 (Signature Version 4) is accepted");
  }
  AwsResult<Parameters> parameters = split_parameters(trim_ascii_space(value.substr(space)));
  if (!parameters) return parameters.error();
  const auto& [credential, signed_headers, signature] = *parameters;

  // AWS lists every missing parameter in one message.
  std::string missing;
  for (const auto& [name, slot] :
       {std::pair{"Credential", &credential}, std::pair{"SignedHeaders", &signed_headers},
        std::pair{"Signature", &signature}}) {
    if (!slot->has_value() || (*slot)->empty()) {
      missing += std::string(missing.empty() ? "" : " ") + "Authorization header requires '" +
                 name + "' parameter.";
    }
  }
  if (!missing.empty()) return incomplete(missing);

  AwsResult<CredentialScope> scope = parse_credential(*credential);
  if (!scope) return scope.error();
  AwsResult<std::vector<std::string>> names = parse_signed_headers(*signed_headers);
  if (!names) return names.error();
  AwsResult<Digest> digest = parse_signature(*signature);
  if (!digest) return digest.error();
  return Authorization{std::move(*scope), std::move(*names), *digest};
}

}  // namespace findme::aws::sigv4
