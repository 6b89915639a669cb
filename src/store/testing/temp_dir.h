// A temporary directory for one test, removed with everything in it when destroyed.
#pragma once

#include <filesystem>

namespace findme::store::testing {

// Not thread-safe; one per test.
class TempDir {
 public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace findme::store::testing
