// GemmFaceEmbedder against OpenCvFaceEmbedder, the reference it replaces: every descriptor equal
// within 1e-4 on real faces, whatever the batch.
#include "face/model/gemm_face_embedder.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "face/model/opencv_face_embedder.h"
#include "face/model/test_files.h"

namespace findme::face::model {
namespace {

constexpr float kMaxDifference = 1e-4f;  // per descriptor value, against OpenCV's

struct NamedChip {
  std::string name;
  image::RgbImage chip;
};

// The aligned chips of tests/data/port (cut by tools/reference/make_chips.cpp).
std::vector<NamedChip> port_chips() {
  std::vector<NamedChip> chips;
  for (const auto& entry : std::filesystem::directory_iterator(testing::reference_dir("port"))) {
    if (entry.path().extension() != ".rgb") continue;
    const std::string bytes = testing::read_file(entry.path());
    chips.push_back(
        {entry.path().stem().string(),
         {kChipSize, kChipSize, std::vector<std::uint8_t>(bytes.begin(), bytes.end())}});
  }
  std::sort(chips.begin(), chips.end(),
            [](const NamedChip& a, const NamedChip& b) { return a.name < b.name; });
  return chips;
}

// The central square of each portrait of shared/testdata/faces, sampled down to a chip (nearest
// pixel): real faces, not aligned, which is all an equivalence test needs.
std::vector<NamedChip> portrait_chips() {
  std::vector<NamedChip> chips;
  const std::filesystem::path dir = std::filesystem::path(FINDME_TESTDATA_DIR) / "faces";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const image::RgbImage photo = testing::decode_file(entry.path());
    if (photo.empty()) continue;
    const int side = std::min(photo.width, photo.height);
    image::RgbImage chip{kChipSize, kChipSize, std::vector<std::uint8_t>()};
    chip.pixels.resize(chip.byte_size());
    for (int y = 0; y < kChipSize; ++y) {
      for (int x = 0; x < kChipSize; ++x) {
        const int sx = (photo.width - side) / 2 + x * side / kChipSize;
        const int sy = (photo.height - side) / 2 + y * side / kChipSize;
        std::copy_n(&photo.pixels[photo.offset(sx, sy)], 3, &chip.pixels[chip.offset(x, y)]);
      }
    }
    chips.push_back({entry.path().filename().string(), std::move(chip)});
  }
  std::sort(chips.begin(), chips.end(),
            [](const NamedChip& a, const NamedChip& b) { return a.name < b.name; });
  return chips;
}

std::vector<image::RgbImage> images_of(const std::vector<NamedChip>& chips) {
  std::vector<image::RgbImage> images;
  std::transform(chips.begin(), chips.end(), std::back_inserter(images),
                 [](const NamedChip& c) { return c.chip; });
  return images;
}

float max_abs_difference(const Embedding& a, const Embedding& b) {
  float largest = 0;
  for (std::size_t i = 0; i < a.size(); ++i) largest = std::max(largest, std::abs(a[i] - b[i]));
  return largest;
}

// Weights, one reference embedder and one embedder under test for the binary.
struct Fixture {
  std::shared_ptr<const PackedRecognitionWeights> packed;
  std::unique_ptr<OpenCvFaceEmbedder> reference;
  std::unique_ptr<GemmFaceEmbedder> embedder;
};

const Fixture& fixture() {
  static const Fixture instance = [] {
    Fixture f;
    Result<RecognitionWeights> weights = RecognitionWeights::load(testing::face_api_dir());
    EXPECT_TRUE(weights) << weights.error().message;
    if (!weights) return f;
    f.packed = PackedRecognitionWeights::pack(*weights);
    Result<std::unique_ptr<OpenCvFaceEmbedder>> reference = OpenCvFaceEmbedder::create(*weights);
    EXPECT_TRUE(reference) << reference.error().message;
    Result<std::unique_ptr<GemmFaceEmbedder>> embedder = GemmFaceEmbedder::create(f.packed);
    EXPECT_TRUE(embedder) << embedder.error().message;
    if (reference && embedder) {
      f.reference = std::move(*reference);
      f.embedder = std::move(*embedder);
    }
    return f;
  }();
  return instance;
}

// Embeds `chips` in one call with both embedders and checks every descriptor; returns the largest
// difference.
float compare_with_opencv(const std::vector<NamedChip>& chips) {
  const Fixture& f = fixture();
  EXPECT_TRUE(f.embedder && f.reference);
  if (!f.embedder || !f.reference) return INFINITY;
  const std::vector<image::RgbImage> images = images_of(chips);
  Result<std::vector<Embedding>> expected = f.reference->embed(images);
  Result<std::vector<Embedding>> actual = f.embedder->embed(images);
  EXPECT_TRUE(expected && actual);
  if (!expected || !actual) return INFINITY;
  EXPECT_EQ(actual->size(), chips.size());
  float largest = 0;
  for (std::size_t i = 0; i < chips.size() && i < actual->size(); ++i) {
    const float d = max_abs_difference((*actual)[i], (*expected)[i]);
    EXPECT_LE(d, kMaxDifference) << chips[i].name;
    largest = std::max(largest, d);
  }
  return largest;
}

TEST(GemmFaceEmbedderTest, MatchesOpenCvOnTheAlignedReferenceChips) {
  const std::vector<NamedChip> chips = port_chips();
  ASSERT_GE(chips.size(), 8u);
  const float largest = compare_with_opencv(chips);
  std::printf("aligned chips: largest difference to OpenCV %.2e\n", largest);
}

TEST(GemmFaceEmbedderTest, MatchesOpenCvOnEveryPortrait) {
  const std::vector<NamedChip> chips = portrait_chips();
  ASSERT_GE(chips.size(), 60u);
  const float largest = compare_with_opencv(chips);
  std::printf("%zu portraits: largest difference to OpenCV %.2e\n", chips.size(), largest);
}

TEST(GemmFaceEmbedderTest, AChipsDescriptorDoesNotDependOnItsBatch) {
  std::vector<NamedChip> chips = port_chips();
  const std::vector<NamedChip> more = portrait_chips();
  ASSERT_GE(more.size(), 9u);
  chips.insert(chips.end(), more.begin(), more.begin() + 9);
  const std::vector<image::RgbImage> images = images_of(chips);
  // 17 chips: two full passes of 8 and one of 1 for the default; 3 per pass leaves 2 at the end.
  Result<std::unique_ptr<GemmFaceEmbedder>> by_three =
      GemmFaceEmbedder::create(fixture().packed, {.max_batch = 3});
  ASSERT_TRUE(by_three) << by_three.error().message;
  for (GemmFaceEmbedder* embedder : {fixture().embedder.get(), by_three->get()}) {
    Result<std::vector<Embedding>> batch = embedder->embed(images);
    ASSERT_TRUE(batch) << batch.error().message;
    ASSERT_EQ(batch->size(), images.size());
    for (std::size_t i = 0; i < images.size(); ++i) {
      Result<std::vector<Embedding>> single = embedder->embed({&images[i], 1});
      ASSERT_TRUE(single) << single.error().message;
      EXPECT_LE(max_abs_difference((*batch)[i], (*single)[0]), 1e-6f) << chips[i].name;
    }
  }
}

TEST(GemmFaceEmbedderTest, EmbeddersOnTwoThreadsShareOneCopyOfTheWeights) {
  const std::vector<image::RgbImage> images = images_of(port_chips());
  Result<std::vector<Embedding>> expected = fixture().embedder->embed(images);
  ASSERT_TRUE(expected) << expected.error().message;
  const long users_before = fixture().packed.use_count();
  std::vector<std::vector<Embedding>> results(2);
  std::vector<std::thread> workers;
  workers.reserve(results.size());
  for (std::vector<Embedding>& result : results) {
    workers.emplace_back([&result, &images] {
      Result<std::unique_ptr<GemmFaceEmbedder>> own = GemmFaceEmbedder::create(fixture().packed);
      if (!own) return;
      Result<std::vector<Embedding>> out = (*own)->embed(images);
      if (out) result = std::move(*out);
    });
  }
  for (std::thread& worker : workers) worker.join();
  EXPECT_EQ(fixture().packed.use_count(), users_before) << "the embedders released the weights";
  for (const std::vector<Embedding>& result : results) {
    ASSERT_EQ(result.size(), images.size());
    for (std::size_t i = 0; i < images.size(); ++i) {
      EXPECT_EQ(result[i], (*expected)[i]);
    }
  }
}

TEST(GemmFaceEmbedderTest, EmptyBatchGivesNoDescriptors) {
  Result<std::vector<Embedding>> out = fixture().embedder->embed({});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_TRUE(out->empty());
}

TEST(GemmFaceEmbedderTest, WrongSizeChipIsAnErrorNotACrash) {
  const std::vector<NamedChip> good = port_chips();
  ASSERT_FALSE(good.empty());
  const image::RgbImage narrow{149, 150,
                               std::vector<std::uint8_t>(std::size_t{149} * 150 * 3, 100)};
  const image::RgbImage short_pixels{150, 150, std::vector<std::uint8_t>(100, 100)};
  const image::RgbImage empty{};
  for (const image::RgbImage* bad : {&narrow, &short_pixels, &empty}) {
    const std::vector<image::RgbImage> chips{good[0].chip, *bad};
    Result<std::vector<Embedding>> out = fixture().embedder->embed(chips);
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().code, Errc::internal);
    EXPECT_NE(out.error().message.find("face chip 1"), std::string::npos) << out.error().message;
  }
  Result<std::vector<Embedding>> after = fixture().embedder->embed({&good[0].chip, 1});
  EXPECT_TRUE(after) << "the embedder still works after refusing a chip";
}

TEST(GemmFaceEmbedderTest, MissingWeightsOrBatchBelowOneIsRefused) {
  Result<std::unique_ptr<GemmFaceEmbedder>> no_weights = GemmFaceEmbedder::create(nullptr);
  ASSERT_FALSE(no_weights);
  EXPECT_EQ(no_weights.error().code, Errc::internal);
  Result<std::unique_ptr<GemmFaceEmbedder>> no_batch =
      GemmFaceEmbedder::create(fixture().packed, {.max_batch = 0});
  ASSERT_FALSE(no_batch);
  EXPECT_EQ(no_batch.error().code, Errc::internal);
}

}  // namespace
}  // namespace findme::face::model
