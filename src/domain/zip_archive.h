// A ZIP archive of files on disk, produced piece by piece so that "download all my photos" can be
// streamed without holding the archive in memory or on disk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"

namespace findme::domain {

struct ZipEntry {
  std::string name;            // path inside the archive, UTF-8, '/' separated; made unique here
  std::filesystem::path path;  // the file to store
  std::uint64_t size = 0;      // its size now; the file must not change while the zip streams
};

struct ZipOptions {
  // Modification time of every entry, MS-DOS format (default 1980-01-01 00:00, the epoch).
  std::uint16_t dos_date = (0 << 9) | (1 << 5) | 1;
  std::uint16_t dos_time = 0;
  // Writes the ZIP64 records even when the archive would not need them (tests exercise them
  // without 4 GiB of data).
  bool force_zip64 = false;
};

// Entries are STORED (photos are already compressed), each with its CRC-32 in the local header:
// the CRC is computed by reading the file once before its header is written, so no data
// descriptors are needed and every unzip tool reads the result. Because nothing is compressed,
// the archive's exact length is known before the first byte (Content-Length). Archives over
// 4 GiB or with more than 65535 entries use ZIP64 end records and offsets; a single entry of
// 4 GiB or more is refused.
//
// One per download; not thread-safe, but it may move between threads between calls (http/ calls
// read() from its blocking pool, one call at a time). read() blocks on file I/O.
class ZipStream {
 public:
  // Errc::invalid_request for no entries or an empty name; Errc::payload_too_large for an entry
  // of 4 GiB or more. Duplicate names get " (2)", " (3)"... before the extension.
  static Result<ZipStream> create(std::vector<ZipEntry> entries, ZipOptions options = {});

  // The archive's length in bytes.
  std::uint64_t size() const { return total_size_; }

  // Copies the next bytes of the archive into `out` and returns how many; 0 only at the end.
  // Errc::unavailable when a file is missing or its size changed (the archive would be corrupt;
  // the caller must abort the transfer).
  Result<std::size_t> read(std::span<char> out);

 private:
  enum class Phase { next_entry, entry_data, trailer, done };

  ZipStream(std::vector<ZipEntry> entries, ZipOptions options);
  Result<void> start_entry();
  void stage_trailer();
  bool needs_zip64_end() const;

  std::vector<ZipEntry> entries_;
  ZipOptions options_;
  std::vector<std::uint64_t> offsets_;  // local header offset of each entry
  std::vector<std::uint32_t> crcs_;     // filled as entries are started
  std::uint64_t central_offset_ = 0;
  std::uint64_t central_size_ = 0;
  std::uint64_t total_size_ = 0;

  Phase phase_ = Phase::next_entry;
  std::size_t index_ = 0;       // entry being written
  std::string staged_;          // header bytes not yet handed out
  std::size_t staged_pos_ = 0;  // how many of staged_ were handed out
  std::ifstream file_;
  std::uint64_t remaining_ = 0;  // bytes of the current file still to copy
};

// CRC-32 (ISO-HDLC, the one ZIP and zlib use), continuing from `crc` (0 to start).
std::uint32_t crc32_update(std::uint32_t crc, std::span<const char> data);

}  // namespace findme::domain
