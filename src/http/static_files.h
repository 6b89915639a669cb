// Serving the web UI from a folder: content types, the index.html fallback for app routes, and
// refusal of anything that could escape the folder.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "api/response.h"

namespace findme::http {

// "text/html; charset=utf-8" for ".html" etc.; "application/octet-stream" when unknown.
std::string_view content_type_for(const std::filesystem::path& path);

// Weak validator from size and modification time, e.g. W/"1a2b-5f3e"; empty if unreadable.
std::string file_etag(const std::filesystem::path& path);

// Thread-safe (immutable after construction).
class StaticFiles {
 public:
  // `root` must be an existing directory; it is canonicalised once here.
  explicit StaticFiles(const std::filesystem::path& root);

  // A file response for a decoded URL path, or nullopt (404). "/" and extension-less paths that
  // match no file (app routes such as /e/K7QX9P) serve index.html. Paths with "..", ".", "\",
  // NUL or empty segments never resolve; nor do symlinks that lead outside the root.
  std::optional<api::Response> lookup(std::string_view decoded_path) const;

 private:
  std::optional<std::filesystem::path> resolve(std::string_view decoded_path) const;

  std::filesystem::path root_;
};

}  // namespace findme::http
