// libFuzzer harness: multipart/form-data bodies (http/multipart.h). The input's first line is
// the request's Content-Type; the rest is the body. Every part the parser returns must point
// into the body it was given.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string_view content_type =
      newline == std::string_view::npos ? input : input.substr(0, newline);
  const std::string_view body =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);

  (void)findme::http::is_multipart_form_data(content_type);
  findme::Result<std::string> boundary = findme::http::multipart_boundary(content_type);
  if (!boundary) {
    return 0;
  }
  if (boundary->empty() || boundary->size() > 70) {
    std::abort();  // the contract: 1-70 characters
  }
  const findme::http::MultipartLimits limits{.max_files = 8, .max_fields = 8};
  findme::Result<std::vector<findme::api::Part>> parts =
      findme::http::parse_multipart(body, *boundary, limits);
  if (!parts) {
    return 0;
  }
  std::size_t files = 0;
  for (const findme::api::Part& part : *parts) {
    files += part.is_file() ? 1U : 0U;
    const bool inside =
        part.data.empty() || (part.data.data() >= body.data() &&
                              part.data.data() + part.data.size() <= body.data() + body.size());
    if (!inside) {
      std::abort();
    }
  }
  if (files > limits.max_files) {
    std::abort();
  }
  return 0;
}
