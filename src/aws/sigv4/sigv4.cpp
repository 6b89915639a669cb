// SigV4 verification: the request's own claims (scope, time, payload hash) first, the signature
// last, so that the common mistakes get a message that says what to fix rather than "does not
// match". Matches botocore's SigV4Auth (tests/aws/sign_example.py).
#include "aws/sigv4/sigv4.h"

#include <cstdio>

#include <sodium.h>

#include "aws/sigv4/text.h"

namespace findme::aws::sigv4 {
namespace {

constexpr std::string_view kTerminator = "aws4_request";

AwsError incomplete_request(std::string message) {
  return {kIncompleteSignature, std::move(message), {}};
}
AwsError invalid_signature(std::string message) {
  return {kInvalidSignature, std::move(message), {}};
}

bool is_signed(const Authorization& authorization, std::string_view name) {
  for (const std::string& signed_name : authorization.signed_headers) {
    if (signed_name == name) return true;
  }
  return false;
}

// Headers that must be signed: host and x-amz-date always (without them a signature could be
// replayed against another host or at another time), and the ones that change what the request
// does whenever the request carries them.
AwsResult<void> check_required_signed_headers(const SignedRequest& request,
                                              const Authorization& authorization) {
  for (const std::string_view name : {"host", "x-amz-date"}) {
    if (!is_signed(authorization, name)) {
      return incomplete_request("'" + std::string(name) +
                                "' must be a 'SignedHeader' in the AWS Authorization.");
    }
  }
  for (const std::string_view name :
       {"x-amz-target", "x-amz-security-token", "x-amz-content-sha256"}) {
    if (!header_values(request, name).empty() && !is_signed(authorization, name)) {
      return incomplete_request("The request has a '" + std::string(name) +
                                "' header, so it must be a 'SignedHeader' in the AWS "
                                "Authorization.");
    }
  }
  return {};
}

// "15 min." as AWS writes the skew in its expiry messages; seconds when it is not whole minutes.
std::string skew_text(std::chrono::seconds skew) {
  if (skew.count() % 60 == 0) return std::to_string(skew.count() / 60) + " min.";
  return std::to_string(skew.count()) + " s.";
}

AwsResult<void> check_time(const ParsedRequest& parsed, Timestamp now,
                           std::chrono::seconds max_skew) {
  const auto now_s = std::chrono::floor<std::chrono::seconds>(now);
  const std::string now_text = format_amz_date(now_s);
  if (parsed.time < now_s - max_skew) {
    return invalid_signature("Signature expired: " + parsed.amz_date + " is now earlier than " +
                             format_amz_date(now_s - max_skew) + " (" + now_text + " - " +
                             skew_text(max_skew) + ")");
  }
  if (parsed.time > now_s + max_skew) {
    return invalid_signature("Signature not yet current: " + parsed.amz_date +
                             " is still later than " + format_amz_date(now_s + max_skew) + " (" +
                             now_text + " + " + skew_text(max_skew) + ")");
  }
  return {};
}

AwsResult<void> check_scope(const ParsedRequest& parsed, std::string_view service) {
  const CredentialScope& scope = parsed.authorization.credential;
  // AWS's wording for each of these.
  if (scope.terminator != kTerminator) {
    return invalid_signature(
        "Credential should be scoped with a valid terminator: 'aws4_request', "
        "not '" +
        printable(scope.terminator) + "'.");
  }
  if (scope.service != service) {
    return invalid_signature("Credential should be scoped to correct service: '" +
                             std::string(service) + "'.");
  }
  if (std::string_view(parsed.amz_date).substr(0, 8) != scope.date) {
    return invalid_signature(
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
        "HTTP: '" +
        scope.date + "' != '" + parsed.amz_date.substr(0, 8) + "', from '" + parsed.amz_date +
        "'.");
  }
  return {};
}

Digest hmac(const unsigned char* key, std::size_t key_size, std::string_view message) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key, key_size);
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  Digest out{};
  crypto_auth_hmacsha256_final(&state, out.data());
  sodium_memzero(&state, sizeof state);  // it holds the key
  return out;
}

Digest hmac(const Digest& key, std::string_view message) {
  return hmac(key.data(), key.size(), message);
}

}  // namespace

AwsResult<ParsedRequest> parse_request(const SignedRequest& request) {
  const std::vector<std::string_view> authorization = header_values(request, "authorization");
  if (authorization.empty()) {
    return AwsError{kMissingAuthenticationToken, "Missing Authentication Token", {}};
  }
  if (authorization.size() > 1) {
    return incomplete_request("The request has more than one Authorization header.");
  }
  AwsResult<Authorization> parsed = parse_authorization_header(authorization.front());
  if (!parsed) return parsed.error();

  const std::vector<std::string_view> dates = header_values(request, "x-amz-date");
  if (dates.empty()) {
    return incomplete_request("Authorization header requires existence of a 'X-Amz-Date' header.");
  }
  if (dates.size() > 1) return incomplete_request("The request has more than one X-Amz-Date.");
  const std::string_view amz_date = trim_ascii_space(dates.front());
  const std::optional<std::chrono::sys_seconds> time = parse_amz_date(amz_date);
  if (!time) {
    return incomplete_request("X-Amz-Date must be a UTC time as YYYYMMDD'T'HHMMSS'Z', got '" +
                              printable(amz_date) + "'.");
  }
  if (AwsResult<void> required = check_required_signed_headers(request, *parsed); !required) {
    return required.error();
  }
  return ParsedRequest{std::move(*parsed), std::string(amz_date), *time};
}

AwsResult<void> verify(const SignedRequest& request, const ParsedRequest& parsed,
                       std::string_view secret_access_key, Timestamp now,
                       const VerifyOptions& options) {
  if (AwsResult<void> scope = check_scope(parsed, options.service); !scope) return scope;
  if (AwsResult<void> time = check_time(parsed, now, options.max_skew); !time) return time;

  const std::string payload_hash = hex_sha256(request.body);
  const std::vector<std::string_view> declared = header_values(request, "x-amz-content-sha256");
  // botocore signs the header's value in place of the hash when the header is there; both must
  // then be the body's hash, or the signature would cover a body that was not received.
  for (const std::string_view value : declared) {
    if (!ascii_iequals(trim_ascii_space(value), payload_hash)) {
      return invalid_signature(
          "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
  }
  const std::string declared_hash =
      declared.empty() ? payload_hash : std::string(trim_ascii_space(declared.front()));

  const Authorization& authorization = parsed.authorization;
  AwsResult<std::string> canonical =
      canonical_request(request, authorization.signed_headers, declared_hash);
  if (!canonical) return canonical.error();
  const CredentialScope& scope = authorization.credential;
  const std::string to_sign = string_to_sign(parsed.amz_date, credential_scope(scope), *canonical);
  const Digest expected =
      signature(signing_key(secret_access_key, scope.date, scope.region, scope.service), to_sign);
  // Constant time, so that the answer's timing leaks nothing about how many bytes were right.
  if (sodium_memcmp(expected.data(), authorization.signature.data(), expected.size()) != 0) {
    return AwsError{kInvalidSignature,
                    "The request signature we calculated does not match the signature you "
                    "provided. Check your AWS Secret Access Key and signing method. Consult the "
                    "service documentation for details.",
                    "canonical request:\n" + *canonical + "\nstring to sign:\n" + to_sign};
  }
  return {};
}

std::string credential_scope(const CredentialScope& scope) {
  return scope.date + '/' + scope.region + '/' + scope.service + '/' + std::string(kTerminator);
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request) {
  std::string out = "AWS4-HMAC-SHA256\n";
  out += amz_date;
  out.push_back('\n');
  out += scope;
  out.push_back('\n');
  out += hex_sha256(canonical_request);
  return out;
}

Digest signing_key(std::string_view secret_access_key, std::string_view date,
                   std::string_view region, std::string_view service) {
  std::string first_key = "AWS4";
  first_key += secret_access_key;
  const Digest date_key =
      hmac(reinterpret_cast<const unsigned char*>(first_key.data()), first_key.size(), date);
  sodium_memzero(first_key.data(), first_key.size());
  return hmac(hmac(hmac(date_key, region), service), kTerminator);
}

Digest signature(const Digest& signing_key, std::string_view string_to_sign) {
  return hmac(signing_key, string_to_sign);
}

std::string to_hex(const Digest& digest) {
  constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * digest.size());
  for (const unsigned char byte : digest) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0xf]);
  }
  return out;
}

std::optional<std::chrono::sys_seconds> parse_amz_date(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  if (!is_digits(text.substr(0, 8)) || !is_digits(text.substr(9, 6))) return std::nullopt;
  const auto number = [&](std::size_t at, std::size_t size) {
    int value = 0;
    for (std::size_t i = at; i < at + size; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  const std::chrono::year_month_day day{std::chrono::year{number(0, 4)},
                                        std::chrono::month{static_cast<unsigned>(number(4, 2))},
                                        std::chrono::day{static_cast<unsigned>(number(6, 2))}};
  const int hours = number(9, 2);
  const int minutes = number(11, 2);
  const int seconds = number(13, 2);
  if (!day.ok() || hours > 23 || minutes > 59 || seconds > 59) return std::nullopt;
  return std::chrono::sys_days{day} + std::chrono::hours{hours} + std::chrono::minutes{minutes} +
         std::chrono::seconds{seconds};
}

std::string format_amz_date(std::chrono::sys_seconds time) {
  const auto days = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day day{days};
  const std::chrono::hh_mm_ss clock{time - days};
  char text[32];
  std::snprintf(text, sizeof text, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return text;
}

AwsResult<std::string> authorization_header(const SignedRequest& request,
                                            std::string_view access_key_id,
                                            std::string_view secret_access_key,
                                            std::string_view region, std::string_view service,
                                            const std::vector<std::string>& signed_headers) {
  const std::vector<std::string_view> dates = header_values(request, "x-amz-date");
  const std::string_view amz_date = dates.empty() ? "" : trim_ascii_space(dates.front());
  if (!parse_amz_date(amz_date)) {
    return incomplete_request("authorization_header needs a valid X-Amz-Date in the request.");
  }
  AwsResult<std::string> canonical =
      canonical_request(request, signed_headers, hex_sha256(request.body));
  if (!canonical) return canonical.error();
  const CredentialScope scope{std::string(access_key_id), std::string(amz_date.substr(0, 8)),
                              std::string(region), std::string(service), std::string(kTerminator)};
  const std::string to_sign = string_to_sign(amz_date, credential_scope(scope), *canonical);
  const Digest digest =
      signature(signing_key(secret_access_key, scope.date, region, service), to_sign);
  std::string names;
  for (const std::string& name : signed_headers) {
    if (!names.empty()) names.push_back(';');
    names += name;
  }
  return "AWS4-HMAC-SHA256 Credential=" + std::string(access_key_id) + '/' +
         credential_scope(scope) + ", SignedHeaders=" + names + ", Signature=" + to_hex(digest);
}

}  // namespace findme::aws::sigv4
