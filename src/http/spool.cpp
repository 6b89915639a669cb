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

Result<SpoolWriter> SpoolWriter::create(const std::filesystem::path& dir) {
  std::string pattern = (dir / "findme-upload-XXXXXX").string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) {
    return make_error(Errc::internal,
                      "cannot create spool file in " + dir.string() + ": " + std::strerror(errno));
  }
  ::unlink(name.data());  // anonymous from now on: the descriptor keeps it alive
  return SpoolWriter(fd);
}

SpoolWriter::SpoolWriter(SpoolWriter&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), size_(std::exchange(other.size_, 0)) {}

SpoolWriter::~SpoolWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Result<void> SpoolWriter::append(std::string_view bytes) {
  if (fd_ < 0) return make_error(Errc::internal, "spool file already finished");
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return make_error(Errc::internal,
                        std::string("cannot write spool file: ") + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
    size_ += static_cast<std::size_t>(n);
  }
  return {};
}

Result<MappedFile> SpoolWriter::finish() {
  if (fd_ < 0) return make_error(Errc::internal, "spool file already finished");
  Result<MappedFile> mapped = MappedFile::map(fd_, "spool file");
  ::close(std::exchange(fd_, -1));  // the mapping keeps the bytes
  return mapped;
}

Result<MappedFile> MappedFile::open(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(Errc::internal, "cannot open " + path.string());
  Result<MappedFile> mapped = map(fd, path.string());
  ::close(fd);  // the mapping keeps the file alive
  return mapped;
}

Result<MappedFile> MappedFile::map(int fd, std::string_view what) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return make_error(Errc::internal, "cannot stat " + std::string(what));
  auto size = static_cast<std::size_t>(st.st_size);
  if (size == 0) return MappedFile(nullptr, 0);
  void* addr = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (addr == MAP_FAILED) return make_error(Errc::internal, "cannot map " + std::string(what));
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
