#include "image/format_sniff.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

namespace findme::image {
namespace {

bool starts_with(std::span<const std::byte> bytes, std::size_t offset, std::string_view magic) {
  if (bytes.size() < offset + magic.size()) {
    return false;
  }
  return std::equal(magic.begin(), magic.end(), bytes.begin() + static_cast<std::ptrdiff_t>(offset),
                    [](char m, std::byte b) { return static_cast<std::byte>(m) == b; });
}

std::uint32_t read_be32(std::span<const std::byte> bytes, std::size_t offset) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    value = (value << 8) | std::to_integer<std::uint32_t>(bytes[offset + i]);
  }
  return value;
}

// Brands of the HEIF family that libheif decodes: HEVC-coded (HEIC) and AV1-coded (AVIF) still
// images and sequences, plus the generic image brands (ISO/IEC 23008-12, AV1 image format spec).
constexpr std::array<std::string_view, 12> kHeifBrands = {
    "heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs", "mif1", "msf1", "avif", "avis"};

bool is_heif_brand(std::span<const std::byte> bytes, std::size_t offset) {
  return std::any_of(kHeifBrands.begin(), kHeifBrands.end(),
                     [&](std::string_view brand) { return starts_with(bytes, offset, brand); });
}

// ISO-BMFF files open with an "ftyp" box: size (4), "ftyp", major brand (4), minor version (4),
// then compatible brands (4 each) up to the box size.
bool is_heif(std::span<const std::byte> bytes) {
  if (!starts_with(bytes, 4, "ftyp") || bytes.size() < 12) {
    return false;
  }
  if (is_heif_brand(bytes, 8)) {
    return true;
  }
  const std::size_t box_size = std::min<std::size_t>(read_be32(bytes, 0), bytes.size());
  for (std::size_t offset = 16; offset + 4 <= box_size; offset += 4) {
    if (is_heif_brand(bytes, offset)) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::optional<ImageFormat> sniff_image_format(std::span<const std::byte> bytes) {
  if (starts_with(bytes, 0, "\xFF\xD8\xFF")) {
    return ImageFormat::jpeg;
  }
  if (starts_with(bytes, 0, "\x89PNG\r\n\x1A\n")) {
    return ImageFormat::png;
  }
  if (starts_with(bytes, 0, "RIFF") && starts_with(bytes, 8, "WEBP")) {
    return ImageFormat::webp;
  }
  if (is_heif(bytes)) {
    return ImageFormat::heif;
  }
  return std::nullopt;
}

}  // namespace findme::image
