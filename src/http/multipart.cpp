#include "http/multipart.h"

#include <optional>
#include <utility>

#include "http/text.h"

namespace findme::http {
namespace {

constexpr std::string_view kCrlf = "\r\n";

Error malformed(std::string_view what) {
  return make_error(Errc::invalid_request, "malformed multipart body: " + std::string(what));
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// A header value "type; a=b; c="d"" split into its type and parameters (names lower-cased).
struct HeaderValue {
  std::string type;
  std::vector<std::pair<std::string, std::string>> params;

  std::optional<std::string> param(std::string_view name) const {
    for (const auto& [n, v] : params) {
      if (n == name) return v;
    }
    return std::nullopt;
  }
};

// Reads a quoted-string starting after the opening quote. Only \" and \\ are escapes: browsers
// send backslashes in filenames unescaped (WHATWG form encoding percent-encodes quotes instead).
std::optional<std::string> read_quoted(std::string_view s, std::size_t& i) {
  std::string out;
  while (i < s.size()) {
    char c = s[i++];
    if (c == '"') return out;
    if (c == '\\' && i < s.size() && (s[i] == '"' || s[i] == '\\')) c = s[i++];
    out += c;
  }
  return std::nullopt;  // unterminated
}

std::optional<HeaderValue> parse_header_value(std::string_view s) {
  HeaderValue out;
  std::size_t i = s.find(';');
  out.type = std::string(trim_ows(s.substr(0, i)));
  for (char& c : out.type) c = lower(c);
  while (i < s.size()) {
    ++i;  // past ';'
    std::size_t eq = s.find('=', i);
    if (eq == std::string_view::npos) break;  // a bare flag: ignored
    std::string name(trim_ows(s.substr(i, eq - i)));
    for (char& c : name) c = lower(c);
    i = eq + 1;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    std::string value;
    if (i < s.size() && s[i] == '"') {
      ++i;
      auto quoted = read_quoted(s, i);
      if (!quoted) return std::nullopt;
      value = std::move(*quoted);
      i = s.find(';', i);
    } else {
      std::size_t end = s.find(';', i);
      value = std::string(trim_ows(s.substr(i, end == std::string_view::npos ? end : end - i)));
      i = end;
    }
    out.params.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

// RFC 5987 ext-value: charset'lang'percent-encoded. Only UTF-8 (and ASCII) are accepted.
std::optional<std::string> decode_ext_value(std::string_view v) {
  std::size_t q1 = v.find('\'');
  std::size_t q2 = q1 == std::string_view::npos ? q1 : v.find('\'', q1 + 1);
  if (q2 == std::string_view::npos) return std::nullopt;
  std::string_view charset = v.substr(0, q1);
  if (!iequals(charset, "utf-8") && !iequals(charset, "us-ascii")) return std::nullopt;
  std::string out;
  for (std::size_t i = q2 + 1; i < v.size(); ++i) {
    if (v[i] != '%') {
      out += v[i];
      continue;
    }
    if (i + 2 >= v.size() || hex_digit_value(v[i + 1]) < 0 || hex_digit_value(v[i + 2]) < 0) {
      return std::nullopt;
    }
    out += static_cast<char>(hex_digit_value(v[i + 1]) * 16 + hex_digit_value(v[i + 2]));
    i += 2;
  }
  return out;
}

// Fills name, filename and content type from one part's header block (lines without the final
// empty line).
Result<void> parse_part_headers(std::string_view block, api::Part& part) {
  std::optional<HeaderValue> disposition;
  while (!block.empty()) {
    std::size_t end = block.find(kCrlf);
    std::string_view line = block.substr(0, end);
    block = end == std::string_view::npos ? std::string_view{} : block.substr(end + 2);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return malformed("invalid part header line");
    std::string_view name = line.substr(0, colon);
    std::string_view value = trim_ows(line.substr(colon + 1));
    if (iequals(name, "content-disposition")) {
      disposition = parse_header_value(value);
      if (!disposition) return malformed("unterminated quoted string in Content-Disposition");
    } else if (iequals(name, "content-type")) {
      part.content_type = std::string(value);
    }
  }
  if (!disposition || disposition->type != "form-data") {
    return malformed("part without a Content-Disposition: form-data header");
  }
  auto name = disposition->param("name");
  if (!name || name->empty()) return malformed("part header without a name");
  part.name = std::move(*name);
  if (auto ext = disposition->param("filename*")) {
    part.filename = decode_ext_value(*ext);
    if (!part.filename) return malformed("invalid filename* parameter");
  } else {
    part.filename = disposition->param("filename");
  }
  if (part.content_type.empty()) {
    part.content_type = part.is_file() ? "application/octet-stream" : "text/plain";
  }
  return {};
}

// After a delimiter: "--" closes the body; otherwise optional blanks then CRLF open a part.
enum class After { close, part, invalid, truncated };

After classify_delimiter_end(std::string_view rest, std::size_t& consumed) {
  if (rest.size() < 2) return After::truncated;
  if (rest.starts_with("--")) {
    consumed = 2;
    return After::close;
  }
  std::size_t i = 0;
  while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
  if (rest.size() - i < 2) return After::truncated;
  if (rest.substr(i, 2) != kCrlf) return After::invalid;
  consumed = i + 2;
  return After::part;
}

}  // namespace

bool is_multipart_form_data(std::string_view content_type) {
  std::size_t semi = content_type.find(';');
  return iequals(trim_ows(content_type.substr(0, semi)), "multipart/form-data");
}

Result<std::string> multipart_boundary(std::string_view content_type) {
  auto value = parse_header_value(content_type);
  if (!value) return malformed("unterminated quoted string in Content-Type");
  auto boundary = value->param("boundary");
  if (!boundary) return malformed("missing boundary in Content-Type");
  if (boundary->empty() || boundary->size() > 70) {
    return malformed("boundary must be 1 to 70 characters");
  }
  for (char c : *boundary) {
    if (c == '\r' || c == '\n') return malformed("boundary contains a line break");
  }
  return std::move(*boundary);
}

Result<std::vector<api::Part>> parse_multipart(std::string_view body, std::string_view boundary,
                                               const MultipartLimits& limits) {
  const std::string delimiter = "\r\n--" + std::string(boundary);
  // The first delimiter may start the body (no preamble): search as if a CRLF preceded it.
  std::size_t pos;
  if (body.starts_with(std::string_view(delimiter).substr(2))) {
    pos = delimiter.size() - 2;
  } else {
    std::size_t found = body.find(delimiter);
    if (found == std::string_view::npos) return malformed("no opening boundary");
    pos = found + delimiter.size();
  }
  std::vector<api::Part> parts;
  std::size_t files = 0;
  std::size_t fields = 0;
  for (;;) {
    std::size_t consumed = 0;
    switch (classify_delimiter_end(body.substr(pos), consumed)) {
      case After::close:
        return parts;
      case After::truncated:
        return malformed("truncated body after a boundary");
      case After::invalid:
        return malformed("invalid characters after a boundary");
      case After::part:
        break;
    }
    pos += consumed;
    std::string_view rest = body.substr(pos);
    // Search a bounded window so that a missing blank line cannot make us scan gigabytes.
    std::string_view window = rest.substr(0, limits.max_part_header_bytes + 2);
    std::size_t header_end = rest.starts_with(kCrlf) ? 0 : window.find("\r\n\r\n");
    if (header_end == std::string_view::npos) {
      if (rest.size() >= window.size() + 2) return malformed("part headers too large");
      return malformed("truncated body in part headers");
    }
    std::size_t header_len = header_end == 0 ? 0 : header_end + 2;
    api::Part part;
    Result<void> headers = parse_part_headers(rest.substr(0, header_end), part);
    if (!headers) return headers.error();
    std::size_t data_start = pos + header_len + 2;
    // The closing delimiter must be followed by "--" or a line end; anything else is data.
    std::size_t search = data_start;
    for (;;) {
      std::size_t found = body.find(delimiter, search);
      if (found == std::string_view::npos) {
        return malformed("truncated body: part '" + part.name + "' has no closing boundary");
      }
      std::size_t after = found + delimiter.size();
      std::size_t ignored = 0;
      After kind = classify_delimiter_end(body.substr(after), ignored);
      if (kind == After::invalid) {
        search = found + 1;
        continue;
      }
      if (kind == After::truncated) return malformed("truncated body after a boundary");
      part.data = body.substr(data_start, found - data_start);
      pos = after;
      break;
    }
    if (part.is_file() ? ++files > limits.max_files : ++fields > limits.max_fields) {
      if (part.is_file()) {
        return make_error(Errc::payload_too_large,
                          "too many files: at most " + std::to_string(limits.max_files) +
                              " per request; send the rest in another request");
      }
      return malformed("too many fields");
    }
    parts.push_back(std::move(part));
  }
}

}  // namespace findme::http
