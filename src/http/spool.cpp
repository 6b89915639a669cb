#include "http/spool.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace findme::http {

Result<SpoolFile> SpoolFile::create(const std::filesystem::path& dir) {
  std::string pattern = (dir / "findme-upload-XXXXXX").string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0) {
    return make_error(Errc::internal,
                      "cannot create spool file in " + dir.string() + ": " + std::strerror(errno));
  }
  ::close(fd);
  return SpoolFile(std::filesystem::path(name.data()));
}

SpoolFile::SpoolFile(SpoolFile&& other) noexcept : path_(std::move(other.path_)) {
  other.path_.clear();
}

SpoolFile::~SpoolFile() {
  if (!path_.empty()) ::unlink(path_.c_str());
}

Result<MappedFile> MappedFile::open(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(Errc::internal, "cannot open " + path.string());
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return make_error(Errc::internal, "cannot stat " + path.string());
  }
  auto size = static_cast<std::size_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    return MappedFile(nullptr, 0);
  }
  void* addr = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);  // the mapping keeps the file alive
  if (addr == MAP_FAILED) return make_error(Errc::internal, "cannot map " + path.string());
  ::madvise(addr, size, MADV_SEQUENTIAL);
  return MappedFile(addr, size);
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : addr_(std::exchange(other.addr_, nullptr)), size_(std::exchange(other.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  std::swap(addr_, other.addr_);
  std::swap(size_, other.size_);
  return *this;
}

MappedFile::~MappedFile() {
  if (addr_ != nullptr) ::munmap(addr_, size_);
}

}  // namespace findme::http
