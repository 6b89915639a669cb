#include "image/format_sniff.h"

#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace findme::image {
namespace {

using namespace std::string_view_literals;

std::optional<ImageFormat> sniff(std::string_view text) {
  return sniff_image_format(std::as_bytes(std::span(text.data(), text.size())));
}

TEST(FormatSniffTest, RecognisesEachSignature) {
  EXPECT_EQ(sniff("\xFF\xD8\xFF\xE0\x00\x10JFIF"sv), ImageFormat::jpeg);
  EXPECT_EQ(sniff("\x89PNG\r\n\x1A\n\0\0\0\rIHDR"sv), ImageFormat::png);
  EXPECT_EQ(sniff("RIFF\x24\x10\x00\x00WEBPVP8 "sv), ImageFormat::webp);
  EXPECT_EQ(sniff("\0\0\0\x18"
                  "ftypheic\0\0\0\0mif1heic"sv),
            ImageFormat::heif);
  EXPECT_EQ(sniff("\0\0\0\x1c"
                  "ftypavif\0\0\0\0avifmif1miaf"sv),
            ImageFormat::heif);
}

TEST(FormatSniffTest, FindsHeifBrandAmongCompatibleBrands) {
  EXPECT_EQ(sniff("\0\0\0\x18"
                  "ftypxxxx\0\0\0\0mif1xxxx"sv),
            ImageFormat::heif);
}

TEST(FormatSniffTest, IgnoresCompatibleBrandsBeyondTheBox) {
  // Box size 16 ends before "heic", so the brand does not count.
  EXPECT_EQ(sniff("\0\0\0\x10"
                  "ftypisom\0\0\0\0heic"sv),
            std::nullopt);
}

TEST(FormatSniffTest, RejectsOtherFormatsAndNonImages) {
  EXPECT_EQ(sniff(""sv), std::nullopt);
  EXPECT_EQ(sniff("\xFF"sv), std::nullopt);
  EXPECT_EQ(sniff("\xFF\xD8"sv), std::nullopt);
  EXPECT_EQ(sniff("GIF89a\x01\x00\x01\x00"sv), std::nullopt);
  EXPECT_EQ(sniff("II*\0\x08\0\0\0"sv), std::nullopt);
  EXPECT_EQ(sniff("BM\x3a\0\0\0"sv), std::nullopt);
  EXPECT_EQ(sniff("%PDF-1.7\n"sv), std::nullopt);
  EXPECT_EQ(sniff("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"sv), std::nullopt);
  EXPECT_EQ(sniff("RIFF\x24\x10\x00\x00WAVEfmt "sv), std::nullopt);
  EXPECT_EQ(sniff("\0\0\0\x18"
                  "ftypisom\0\0\0\0isommp41"sv),
            std::nullopt);
  EXPECT_EQ(sniff("hello, this is a text file\n"sv), std::nullopt);
}

TEST(FormatSniffTest, TruncatedSignaturesAreNotRecognised) {
  EXPECT_EQ(sniff("\x89PNG\r\n"sv), std::nullopt);
  EXPECT_EQ(sniff("RIFF\x24\x10\x00\x00WEB"sv), std::nullopt);
  EXPECT_EQ(sniff("\0\0\0\x18"
                  "ftyphei"sv),
            std::nullopt);
}

}  // namespace
}  // namespace findme::image
