// multipart/form-data parsing (RFC 7578) for untrusted bodies: finds the parts and their
// Content-Disposition name/filename without copying the data.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "api/request.h"
#include "core/result.h"

namespace findme::http {

struct MultipartLimits {
  std::size_t max_files = 100;               // file parts per body
  std::size_t max_fields = 100;              // non-file parts per body
  std::size_t max_part_header_bytes = 8192;  // one part's header block
};

// True when `content_type` is multipart/form-data (any parameters).
bool is_multipart_form_data(std::string_view content_type);

// The boundary parameter of a multipart Content-Type (quoted or not, 1-70 characters).
// Errc::invalid_request "malformed multipart body: ..." when missing or invalid.
Result<std::string> multipart_boundary(std::string_view content_type);

// Splits `body` into parts. Each Part::data is a view into `body`. Preamble and epilogue are
// ignored. Errors: Errc::invalid_request with a message starting "malformed multipart body: "
// (no opening or final boundary, truncated body, part without a name, header block too large...)
// and Errc::payload_too_large when there are more file parts than limits.max_files.
// Stateless and thread-safe.
Result<std::vector<api::Part>> parse_multipart(std::string_view body, std::string_view boundary,
                                               const MultipartLimits& limits = {});

}  // namespace findme::http
