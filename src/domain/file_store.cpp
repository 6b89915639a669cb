#include "domain/file_store.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain/secrets.h"

namespace findme::domain {
namespace {

namespace fs = std::filesystem;

std::string_view folder_of(FileKind kind) {
  switch (kind) {
    case FileKind::photo:
      return "photos";
    case FileKind::thumbnail:
      return "thumbnails";
    case FileKind::selfie:
      return "selfies";
  }
  return "photos";
}

// Keys look like "<folder>/<2 hex>/<32 hex>.<ext>": anything else is refused, so a key can never
// climb out of the root even if a row were tampered with.
bool valid_key(std::string_view key) {
  if (key.empty() || key.size() > 80) return false;
  int slashes = 0;
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '.';
    if (!ok) return false;
    if (c == '/') ++slashes;
  }
  return slashes == 2 && key.find("..") == std::string_view::npos && key.front() != '/';
}

bool write_all(int fd, std::span<const std::byte> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool fsync_path(const fs::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

FileStore::FileStore(fs::path root) : root_(std::move(root)) {}

std::string FileStore::new_key(FileKind kind, std::string_view extension) const {
  return key_named(kind, random_hex(16), extension);
}

std::string FileStore::derived_key(FileKind kind, std::string_view from,
                                   std::string_view extension) const {
  return key_named(kind,
                   sha256_hex(std::as_bytes(std::span(from.data(), from.size()))).substr(0, 32),
                   extension);
}

std::string FileStore::key_named(FileKind kind, const std::string& id,
                                 std::string_view extension) const {
  std::string key(folder_of(kind));
  key += '/';
  key += id.substr(0, 2);
  key += '/';
  key += id;
  key += '.';
  key += extension;
  return key;
}

Result<fs::path> FileStore::path_of(std::string_view key) const {
  if (!valid_key(key)) return make_error(Errc::invalid_request, "malformed storage key");
  return root_ / fs::path(key);
}

Result<void> FileStore::write(std::string_view key, std::span<const std::byte> bytes) const {
  Result<fs::path> target = path_of(key);
  if (!target) return target.error();
  std::error_code ec;
  fs::create_directories(target->parent_path(), ec);
  if (ec) return make_error(Errc::unavailable, "the photo store cannot create a folder");
  fs::path temp = *target;
  temp += ".tmp-" + random_hex(6);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return make_error(Errc::unavailable, "the photo store cannot write files");
  const bool written = write_all(fd, bytes) && ::fsync(fd) == 0;
  const bool closed = ::close(fd) == 0;
  if (!written || !closed || ::rename(temp.c_str(), target->c_str()) != 0 ||
      !fsync_path(target->parent_path(), O_RDONLY | O_DIRECTORY)) {
    fs::remove(temp, ec);
    return make_error(Errc::unavailable, "the photo store could not save the file (disk full?)");
  }
  return {};
}

// The whole file into one string of its size, read to its end even if it grew since fstat(); a
// failed read is an error, not a short file.
Result<std::string> FileStore::read(std::string_view key) const {
  std::string bytes;
  if (Result<void> r = read_into(key, bytes); !r) return r.error();
  return bytes;
}

Result<void> FileStore::read_into(std::string_view key, std::string& bytes) const {
  Result<fs::path> path = path_of(key);
  if (!path) return path.error();
  const int fd = ::open(path->c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(Errc::not_found, "the file is gone");
  struct stat info {};
  bytes.resize(::fstat(fd, &info) == 0 ? static_cast<std::size_t>(info.st_size) : 0);
  std::size_t done = 0;
  bool failed = false;
  std::array<char, 4096> probe{};
  while (true) {
    // Once the buffer is full, a small read tells the file's end (the usual case) from a file
    // that grew or whose size fstat did not give, without zero-filling a larger buffer first.
    const bool full = done == bytes.size();
    const ssize_t got = full ? ::read(fd, probe.data(), probe.size())
                             : ::read(fd, bytes.data() + done, bytes.size() - done);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      failed = got < 0;
      break;
    }
    const auto count = static_cast<std::size_t>(got);
    if (full) {
      bytes.resize(std::max<std::size_t>(2 * bytes.size(), std::size_t{64} * 1024));
      std::memcpy(bytes.data() + done, probe.data(), count);
    }
    done += count;
  }
  ::close(fd);
  if (failed) return make_error(Errc::unavailable, "the photo store could not read a file");
  bytes.resize(done);
  return {};
}

void FileStore::remove(std::string_view key) const {
  Result<fs::path> path = path_of(key);
  if (!path) return;
  std::error_code ec;
  fs::remove(*path, ec);
}

Result<std::uintmax_t> FileStore::free_bytes() const {
  std::error_code ec;
  const fs::space_info space = fs::space(root_, ec);
  if (ec) return make_error(Errc::unavailable, "DATA_DIR's free space is unknown: " + ec.message());
  return space.available;
}

Result<void> FileStore::check_writable() const {
  std::error_code ec;
  fs::create_directories(root_, ec);
  const std::string probe_key = new_key(FileKind::photo, "probe");
  if (ec || !write(probe_key, {})) {
    return make_error(Errc::unavailable, "DATA_DIR " + root_.string() +
                                             " is not writable: create it or point DATA_DIR "
                                             "at a writable folder");
  }
  remove(probe_key);
  return {};
}

}  // namespace findme::domain
