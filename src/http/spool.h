// Large request bodies go to a temporary file instead of memory; the parsed request then reads
// them through a read-only memory map.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

#include "core/result.h"

namespace findme::http {

// A uniquely named empty file in `dir`, removed by the destructor. Not thread-safe; move-only.
class SpoolFile {
 public:
  // Errc::internal when the file cannot be created.
  static Result<SpoolFile> create(const std::filesystem::path& dir);
  SpoolFile(SpoolFile&& other) noexcept;
  SpoolFile& operator=(SpoolFile&&) = delete;
  SpoolFile(const SpoolFile&) = delete;
  SpoolFile& operator=(const SpoolFile&) = delete;
  ~SpoolFile();

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit SpoolFile(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

// A whole file mapped read-only; data() stays valid until destruction. Move-only; reading from
// several threads is fine.
class MappedFile {
 public:
  // Errc::internal when the file cannot be opened or mapped.
  static Result<MappedFile> open(const std::filesystem::path& path);
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view data() const { return {static_cast<const char*>(addr_), size_}; }

 private:
  MappedFile(void* addr, std::size_t size) : addr_(addr), size_(size) {}
  void* addr_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace findme::http
