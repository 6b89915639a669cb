// Photos, thumbnails and selfies on the filesystem under DATA_DIR. Keys are generated here from
// random bytes, never derived from user input, so no request can name a path.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"

namespace findme::domain {

enum class FileKind { photo, thumbnail, selfie };

// Thread-safe: holds only the root path.
class FileStore {
 public:
  // `root` is DATA_DIR; its folders are created on first write.
  explicit FileStore(std::filesystem::path root);

  // A new unique key such as "photos/3f/3fa9...e1.jpg". `extension` is chosen by the caller from
  // the decoded format ("jpg", "png", ...), never from a file name.
  std::string new_key(FileKind kind, std::string_view extension) const;

  // The key of a file derived from another key (a photo's thumbnail from the photo's key): the
  // same layout, named by a hash of `from`, so the same input always gives the same key. A retried
  // job then overwrites its own earlier file instead of leaving an orphan behind.
  std::string derived_key(FileKind kind, std::string_view from, std::string_view extension) const;

  // Writes atomically and durably: temp file in the same folder, fsync, rename, fsync of the
  // folder. On return the bytes survive a crash. Errc::unavailable when the disk refuses (full,
  // read-only); Errc::invalid_request for a malformed key.
  Result<void> write(std::string_view key, std::span<const std::byte> bytes) const;

  // The whole file. Errc::not_found when it is missing; Errc::unavailable when reading fails.
  Result<std::string> read(std::string_view key) const;
  // The same into `bytes`, whose memory is reused: a caller reading file after file (a job
  // worker) touches no fresh pages once it has held a file as large. `bytes` is unspecified on
  // error.
  Result<void> read_into(std::string_view key, std::string& bytes) const;

  // The absolute path of a key, for streaming by the HTTP layer. Errc::invalid_request for a key
  // that is not one this store makes.
  Result<std::filesystem::path> path_of(std::string_view key) const;

  // Removes the file; a missing file is not an error (deletes may be repeated after a crash).
  void remove(std::string_view key) const;

  // Checks that the root exists or can be created and is writable (start-up). Errc::unavailable
  // with what to do otherwise.
  Result<void> check_writable() const;

  // Bytes free for this process on DATA_DIR's file system (statvfs), for /readyz and /metrics.
  // Errors: Errc::unavailable when the root cannot be queried.
  Result<std::uintmax_t> free_bytes() const;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::string key_named(FileKind kind, const std::string& id, std::string_view extension) const;

  std::filesystem::path root_;
};

}  // namespace findme::domain
