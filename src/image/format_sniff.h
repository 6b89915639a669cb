// Decides an upload's image format from its leading bytes (magic numbers), never from a file
// name or a declared Content-Type, which the client controls.
#pragma once

#include <cstddef>
#include <optional>
#include <span>

#include "image/image_decoder.h"

namespace findme::image {

// The format whose signature starts `bytes`, or nullopt for anything else (GIF, TIFF, BMP, PDF,
// SVG, text, random bytes, empty input). Recognised:
//   JPEG  FF D8 FF
//   PNG   89 'P' 'N' 'G' 0D 0A 1A 0A
//   WebP  "RIFF" <4-byte size> "WEBP"
//   HEIF  an ISO-BMFF "ftyp" box whose major or compatible brand is a HEIC or AVIF brand
//         (heic, heix, heim, heis, hevc, hevx, hevm, hevs, mif1, msf1, avif, avis).
// A recognised signature says nothing about the rest of the file: the decoder still validates it.
// Pure function; thread-safe.
std::optional<ImageFormat> sniff_image_format(std::span<const std::byte> bytes);

}  // namespace findme::image
