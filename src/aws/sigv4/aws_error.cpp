// The one error AWS answers for an unknown key, and the sanitiser for client bytes in messages.
#include "aws/sigv4/aws_error.h"

namespace findme::aws::sigv4 {

AwsError unrecognized_client() {
  // AWS's wording for an unknown access key id, whether or not a session token was sent.
  return {kUnrecognizedClient, "The security token included in the request is invalid.", {}};
}

std::string printable(std::string_view bytes, std::size_t max_size) {
  std::string out;
  const std::size_t kept = bytes.size() > max_size ? max_size : bytes.size();
  out.reserve(kept + 3);
  for (std::size_t i = 0; i < kept; ++i) {
    const char c = bytes[i];
    // nlohmann::json refuses to write invalid UTF-8, and control bytes make logs lie.
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  if (kept < bytes.size()) out += "...";
  return out;
}

}  // namespace findme::aws::sigv4
