// A fresh private directory under TMPDIR for one test, removed with everything in it when
// destroyed (kept when FINDME_KEEP_TEST_DATA is set, to look at what a failed test left).
#pragma once

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include <stdlib.h>

namespace findme {

// Not thread-safe; one per test (or per fixture).
class TempDir {
 public:
  // `prefix` names the directory (findme-jobs-XXXXXX), to tell whose leftovers are whose.
  explicit TempDir(std::string_view prefix = "findme") {
    std::string pattern =
        (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    // mkdtemp makes a fresh, private (0700) directory without a race on the name.
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    }
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    if (std::getenv("FINDME_KEEP_TEST_DATA") != nullptr) return;  // NOLINT(concurrency-mt-unsafe)
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace findme
