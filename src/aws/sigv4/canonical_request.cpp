// Canonical request pieces. Where AWS's text and botocore differ in detail, botocore wins: it is
// what the clients findme serves actually run (tests/aws/sign_example.py shows its output).
#include "aws/sigv4/canonical_request.h"

#include <algorithm>
#include <array>

#include <sodium.h>

#include "aws/sigv4/text.h"

namespace findme::aws::sigv4 {
namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";
constexpr char kHexLower[] = "0123456789abcdef";

bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// AWS's UriEncode: upper-case hex, as Python's urllib.parse.quote writes it.
void uri_encode(std::string_view bytes, bool keep_slash, std::string& out) {
  for (const char c : bytes) {
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(c);
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHexUpper[byte >> 4]);
      out.push_back(kHexUpper[byte & 0xf]);
    }
  }
}

std::string percent_decode_lenient(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int high = hex_digit_value(s[i + 1]);
      const int low = hex_digit_value(s[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

// RFC 3986's remove_dot_segments plus the collapse of empty segments, as botocore's
// remove_dot_segments does it (AWS services treat "//" as "/").
std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view segment = path.substr(start, slash - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = slash + 1;
  }
  std::string out = path.front() == '/' ? "/" : "";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    out += segments[i];
  }
  if (path.back() == '/' && !segments.empty()) out.push_back('/');
  return out;
}

}  // namespace

std::vector<std::string_view> header_values(const SignedRequest& request, std::string_view name) {
  std::vector<std::string_view> values;
  for (const auto& [header, value] : request.headers) {
    if (ascii_iequals(header, name)) values.emplace_back(value);
  }
  return values;
}

std::string canonical_uri(std::string_view raw_path) {
  if (raw_path.empty()) return "/";
  std::string out;
  uri_encode(normalize_path(raw_path), /*keep_slash=*/true, out);
  return out;
}

std::string canonical_query_string(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> parameters;
  std::size_t start = 0;
  while (start < raw_query.size()) {
    std::size_t amp = raw_query.find('&', start);
    if (amp == std::string_view::npos) amp = raw_query.size();
    const std::string_view parameter = raw_query.substr(start, amp - start);
    start = amp + 1;
    if (parameter.empty()) continue;
    const std::size_t equals = parameter.find('=');
    std::pair<std::string, std::string>& encoded = parameters.emplace_back();
    uri_encode(percent_decode_lenient(parameter.substr(0, equals)), false, encoded.first);
    if (equals != std::string_view::npos) {
      uri_encode(percent_decode_lenient(parameter.substr(equals + 1)), false, encoded.second);
    }
  }
  // Byte order of the encoded forms, name first: what AWS and botocore's sorted() both do.
  std::sort(parameters.begin(), parameters.end());
  std::string out;
  for (const auto& [name, value] : parameters) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

std::string canonical_header(const SignedRequest& request, std::string_view lower_name) {
  std::string out(lower_name);
  out.push_back(':');
  bool first_value = true;
  for (const std::string_view value : header_values(request, lower_name)) {
    if (!first_value) out.push_back(',');
    first_value = false;
    // Trimall: botocore's ' '.join(value.split()).
    bool pending_space = false;
    for (const char c : trim_ascii_space(value)) {
      if (is_ascii_space(c)) {
        pending_space = true;
        continue;
      }
      if (pending_space) out.push_back(' ');
      pending_space = false;
      out.push_back(c);
    }
  }
  return out;
}

std::string hex_sha256(std::string_view bytes) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> hash{};
  crypto_hash_sha256(hash.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  std::string out;
  out.reserve(2 * hash.size());
  for (const unsigned char byte : hash) {
    out.push_back(kHexLower[byte >> 4]);
    out.push_back(kHexLower[byte & 0xf]);
  }
  return out;
}

AwsResult<std::string> canonical_request(const SignedRequest& request,
                                         const std::vector<std::string>& signed_headers,
                                         std::string_view payload_hash) {
  std::string out(request.method);
  out.push_back('\n');
  out += canonical_uri(request.raw_path);
  out.push_back('\n');
  out += canonical_query_string(request.raw_query);
  out.push_back('\n');
  std::string names;
  for (const std::string& name : signed_headers) {
    if (header_values(request, name).empty()) {
      return AwsError{kIncompleteSignature,
                      "The request has no '" + printable(name) +
                          "' header, but the Authorization header lists it in SignedHeaders",
                      {}};
    }
    out += canonical_header(request, name);
    out.push_back('\n');
    if (!names.empty()) names.push_back(';');
    names += name;
  }
  out.push_back('\n');
  out += names;
  out.push_back('\n');
  out += payload_hash;
  return out;
}

}  // namespace findme::aws::sigv4
