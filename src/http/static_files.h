// Serving the web UI from a folder: content types, the index.html fallback for app routes, and
// refusal of anything that could escape the folder.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "api/response.h"

namespace findme::http {

// "text/html; charset=utf-8" for ".html" etc.; "application/octet-stream" when unknown.
std::string_view content_type_for(const std::filesystem::path& path);

// Weak validator from size and modification time, e.g. W/"1a2b-5f3e"; empty if unreadable.
std::string file_etag(const std::filesystem::path& path);

// Thread-safe (immutable after construction).
//
// The web app is small (under 200 kB): its files are read into memory once, at construction, so
// that most requests are answered by from_memory() on an I/O thread with no disk access and no
// hop to a handler thread. Files changed later are served as they were at start (restart to
// pick up a new web app); files added later, larger than 1 MiB, or past 32 MiB in all, and
// symlinks, are left to lookup(), which reads the disk.
class StaticFiles {
 public:
  // `root` must be an existing directory; it is canonicalised once here.
  explicit StaticFiles(const std::filesystem::path& root);

  // What lookup() would answer, when it can be answered from memory: 200 with the file, or 304
  // when `if_none_match` names its ETag. nullopt: ask lookup().
  std::optional<api::Response> from_memory(std::string_view decoded_path,
                                           std::optional<std::string_view> if_none_match) const;

  // A file response for a decoded URL path, or nullopt (404). "/" and extension-less paths that
  // match no file (app routes such as /e/K7QX9P) serve index.html. Paths with "..", ".", "\",
  // NUL or empty segments never resolve; nor do symlinks that lead outside the root.
  std::optional<api::Response> lookup(std::string_view decoded_path) const;

 private:
  struct InMemory {
    std::shared_ptr<const std::string> body;
    std::string content_type;
    std::string etag;
    std::string cache_control;
  };

  std::optional<std::filesystem::path> resolve(std::string_view decoded_path) const;
  void load_into_memory();
  const InMemory* in_memory(const std::string& key) const;  // nullptr: not held
  bool may_be_on_disk(const std::string& key) const;        // the key or a folder above it

  std::filesystem::path root_;
  std::unordered_map<std::string, InMemory> memory_;  // by path under root_, e.g. "js/app.js"
  std::unordered_set<std::string> on_disk_only_;      // files seen at start but not held
};

}  // namespace findme::http
