#include "domain/zip_archive.h"

#include <algorithm>
#include <array>
#include <limits>
#include <set>
#include <utility>

// Record layouts: PKWARE APPNOTE.TXT 6.3.x, sections 4.3.7 (local header), 4.3.12 (central
// directory), 4.3.14-16 (ZIP64 end record, locator, end of central directory), 4.5.3 (ZIP64
// extra field).
namespace findme::domain {
namespace {

constexpr std::uint32_t kLocalSignature = 0x04034b50;
constexpr std::uint32_t kCentralSignature = 0x02014b50;
constexpr std::uint32_t kZip64EndSignature = 0x06064b50;
constexpr std::uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr std::uint32_t kEndSignature = 0x06054b50;
constexpr std::uint16_t kVersionStored = 10;  // 1.0: stored entries
constexpr std::uint16_t kVersionZip64 = 45;   // 4.5: ZIP64 records
constexpr std::uint16_t kUtf8NameFlag = 1 << 11;
constexpr std::uint64_t kMax32 = 0xFFFFFFFF;
constexpr std::uint64_t kMax16 = 0xFFFF;
constexpr std::size_t kLocalHeaderSize = 30;
constexpr std::size_t kCentralHeaderSize = 46;
constexpr std::size_t kZip64OffsetExtraSize = 12;  // id, size, one 8-byte offset
constexpr std::size_t kZip64EndSize = 56;
constexpr std::size_t kZip64LocatorSize = 20;
constexpr std::size_t kEndSize = 22;
constexpr std::size_t kCrcBufferSize = 256UL * 1024;

void put16(std::string& out, std::uint64_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>((v >> 8) & 0xFF));
}
void put32(std::string& out, std::uint64_t v) {
  put16(out, v & 0xFFFF);
  put16(out, (v >> 16) & 0xFFFF);
}
void put64(std::string& out, std::uint64_t v) {
  put32(out, v & kMax32);
  put32(out, v >> 32);
}

bool is_ascii(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 128; });
}

// "a.jpg" -> "a (2).jpg", "README" -> "README (2)".
std::string numbered(const std::string& name, int n) {
  std::size_t slash = name.rfind('/');
  std::size_t dot = name.rfind('.');
  bool has_ext =
      dot != std::string::npos && dot > 0 && (slash == std::string::npos || dot > slash + 1);
  std::string suffix = " (" + std::to_string(n) + ")";
  if (!has_ext) return name + suffix;
  return name.substr(0, dot) + suffix + name.substr(dot);
}

void make_names_unique(std::vector<ZipEntry>& entries) {
  std::set<std::string> taken;
  for (ZipEntry& e : entries) {
    std::string name = e.name;
    for (int n = 2; taken.contains(name); ++n) name = numbered(e.name, n);
    taken.insert(name);
    e.name = std::move(name);
  }
}

const std::array<std::uint32_t, 256>& crc_table() {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  return table;
}

}  // namespace

std::uint32_t crc32_update(std::uint32_t crc, std::span<const char> data) {
  const auto& table = crc_table();
  crc = ~crc;
  for (char ch : data) crc = table[(crc ^ static_cast<unsigned char>(ch)) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

Result<ZipStream> ZipStream::create(std::vector<ZipEntry> entries, ZipOptions options) {
  if (entries.empty()) return make_error(Errc::invalid_request, "there is nothing to download");
  for (const ZipEntry& e : entries) {
    if (e.name.empty()) return make_error(Errc::invalid_request, "a zip entry needs a name");
    if (e.size >= kMax32) {
      return make_error(Errc::payload_too_large,
                        "a file of 4 GiB or more cannot be put in the archive");
    }
  }
  make_names_unique(entries);
  return ZipStream(std::move(entries), options);
}

ZipStream::ZipStream(std::vector<ZipEntry> entries, ZipOptions options)
    : entries_(std::move(entries)), options_(options) {
  std::uint64_t at = 0;
  for (const ZipEntry& e : entries_) {
    offsets_.push_back(at);
    at += kLocalHeaderSize + e.name.size() + e.size;
  }
  central_offset_ = at;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    central_size_ += kCentralHeaderSize + entries_[i].name.size();
    if (options_.force_zip64 || offsets_[i] >= kMax32) central_size_ += kZip64OffsetExtraSize;
  }
  total_size_ = central_offset_ + central_size_ + kEndSize;
  if (needs_zip64_end()) total_size_ += kZip64EndSize + kZip64LocatorSize;
  crcs_.assign(entries_.size(), 0);
}

bool ZipStream::needs_zip64_end() const {
  return options_.force_zip64 || entries_.size() >= kMax16 || central_offset_ >= kMax32 ||
         central_size_ >= kMax32;
}

Result<void> ZipStream::start_entry() {
  const ZipEntry& e = entries_[index_];
  auto changed = [] {
    return make_error(Errc::unavailable,
                      "a photo changed or was deleted during the download; try again");
  };
  // First pass: the CRC, so the local header can carry it (no data descriptor needed).
  std::ifstream in(e.path, std::ios::binary);
  if (!in) return changed();
  std::vector<char> buffer(kCrcBufferSize);
  std::uint32_t crc = 0;
  std::uint64_t seen = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    std::size_t got = static_cast<std::size_t>(in.gcount());
    crc = crc32_update(crc, std::span(buffer.data(), got));
    seen += got;
  }
  if (seen != e.size) return changed();
  crcs_[index_] = crc;

  file_ = std::ifstream(e.path, std::ios::binary);
  if (!file_) return changed();
  remaining_ = e.size;

  staged_.clear();
  staged_pos_ = 0;
  put32(staged_, kLocalSignature);
  put16(staged_, kVersionStored);
  put16(staged_, is_ascii(e.name) ? 0 : kUtf8NameFlag);
  put16(staged_, 0);  // method: stored
  put16(staged_, options_.dos_time);
  put16(staged_, options_.dos_date);
  put32(staged_, crc);
  put32(staged_, e.size);  // compressed size
  put32(staged_, e.size);  // uncompressed size
  put16(staged_, e.name.size());
  put16(staged_, 0);  // no extra field
  staged_ += e.name;
  return {};
}

void ZipStream::stage_trailer() {
  staged_.clear();
  staged_pos_ = 0;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const ZipEntry& e = entries_[i];
    bool zip64_offset = options_.force_zip64 || offsets_[i] >= kMax32;
    put32(staged_, kCentralSignature);
    put16(staged_, zip64_offset ? kVersionZip64 : kVersionStored);  // made by (MS-DOS host)
    put16(staged_, zip64_offset ? kVersionZip64 : kVersionStored);  // needed to extract
    put16(staged_, is_ascii(e.name) ? 0 : kUtf8NameFlag);
    put16(staged_, 0);
    put16(staged_, options_.dos_time);
    put16(staged_, options_.dos_date);
    put32(staged_, crcs_[i]);
    put32(staged_, e.size);
    put32(staged_, e.size);
    put16(staged_, e.name.size());
    put16(staged_, zip64_offset ? kZip64OffsetExtraSize : 0);
    put16(staged_, 0);  // comment length
    put16(staged_, 0);  // disk number
    put16(staged_, 0);  // internal attributes
    put32(staged_, 0);  // external attributes
    put32(staged_, zip64_offset ? kMax32 : offsets_[i]);
    staged_ += e.name;
    if (zip64_offset) {
      put16(staged_, 0x0001);  // ZIP64 extended information
      put16(staged_, 8);
      put64(staged_, offsets_[i]);
    }
  }
  const std::uint64_t count = entries_.size();
  if (needs_zip64_end()) {
    const std::uint64_t record_offset = central_offset_ + central_size_;
    put32(staged_, kZip64EndSignature);
    put64(staged_, kZip64EndSize - 12);  // size of the rest of the record
    put16(staged_, kVersionZip64);
    put16(staged_, kVersionZip64);
    put32(staged_, 0);  // this disk
    put32(staged_, 0);  // disk with the central directory
    put64(staged_, count);
    put64(staged_, count);
    put64(staged_, central_size_);
    put64(staged_, central_offset_);
    put32(staged_, kZip64LocatorSignature);
    put32(staged_, 0);
    put64(staged_, record_offset);
    put32(staged_, 1);  // total disks
  }
  const bool z64 = needs_zip64_end();
  put32(staged_, kEndSignature);
  put16(staged_, 0);
  put16(staged_, 0);
  put16(staged_, z64 ? kMax16 : count);
  put16(staged_, z64 ? kMax16 : count);
  put32(staged_, z64 ? kMax32 : central_size_);
  put32(staged_, z64 ? kMax32 : central_offset_);
  put16(staged_, 0);  // comment length
}

Result<std::size_t> ZipStream::read(std::span<char> out) {
  std::size_t n = 0;
  while (n < out.size()) {
    if (staged_pos_ < staged_.size()) {
      std::size_t take = std::min(out.size() - n, staged_.size() - staged_pos_);
      std::copy_n(staged_.data() + staged_pos_, take, out.data() + n);
      staged_pos_ += take;
      n += take;
      continue;
    }
    switch (phase_) {
      case Phase::next_entry:
        if (index_ == entries_.size()) {
          stage_trailer();
          phase_ = Phase::trailer;
          break;
        }
        if (Result<void> started = start_entry(); !started) return started.error();
        phase_ = Phase::entry_data;
        break;
      case Phase::entry_data: {
        if (remaining_ == 0) {
          file_.close();
          ++index_;
          phase_ = Phase::next_entry;
          break;
        }
        std::size_t want = static_cast<std::size_t>(
            std::min<std::uint64_t>(remaining_, static_cast<std::uint64_t>(out.size() - n)));
        file_.read(out.data() + n, static_cast<std::streamsize>(want));
        if (static_cast<std::size_t>(file_.gcount()) != want) {
          return make_error(Errc::unavailable,
                            "a photo changed or was deleted during the download; try again");
        }
        n += want;
        remaining_ -= want;
        break;
      }
      case Phase::trailer:
        phase_ = Phase::done;
        break;
      case Phase::done:
        return n;
    }
  }
  return n;
}

}  // namespace findme::domain
