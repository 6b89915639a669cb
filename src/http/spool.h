// Large request bodies go to a temporary file instead of memory; the parsed request then reads
// them through a read-only memory map.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>
#include <utility>

#include "core/result.h"

namespace findme::http {

// A whole file mapped read-only; data() stays valid until destruction. Move-only; reading from
// several threads is fine.
class MappedFile {
 public:
  MappedFile() = default;  // empty
  // Errc::internal when the file cannot be opened or mapped.
  static Result<MappedFile> open(const std::filesystem::path& path);
  // Maps the whole of an open file; does not take ownership of `fd`.
  static Result<MappedFile> map(int fd, std::string_view what);
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

// An anonymous temporary file in `dir` that a large body is appended to: its name is removed as
// soon as it is created, so a killed process leaves nothing behind. Every call does blocking
// disk I/O: run it off the I/O threads. Not thread-safe; move-only.
class SpoolWriter {
 public:
  // Errc::internal when the file cannot be created.
  static Result<SpoolWriter> create(const std::filesystem::path& dir);
  SpoolWriter(SpoolWriter&& other) noexcept;
  SpoolWriter& operator=(SpoolWriter&&) = delete;
  SpoolWriter(const SpoolWriter&) = delete;
  SpoolWriter& operator=(const SpoolWriter&) = delete;
  ~SpoolWriter();

  // Appends all of `bytes`. Errc::internal (disk full, I/O error) with the reason.
  Result<void> append(std::string_view bytes);
  // Maps what was written. The writer is spent afterwards.
  Result<MappedFile> finish();

  std::size_t size() const { return size_; }

 private:
  explicit SpoolWriter(int fd) : fd_(fd) {}
  int fd_ = -1;
  std::size_t size_ = 0;
};

}  // namespace findme::http
