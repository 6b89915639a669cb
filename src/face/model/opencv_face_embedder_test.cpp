#include "face/model/opencv_face_embedder.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace findme::face::model {
namespace {

std::filesystem::path port_data_dir() {
  return std::filesystem::path(FINDME_SOURCE_DIR) / "tests/data/port";
}

struct ReferenceChip {
  std::string name;
  image::RgbImage chip;
  Embedding descriptor{};
};

// tests/data/port: chips cut by tools/reference/make_chips.cpp, descriptors computed by
// face-api.js itself (tools/reference/descriptors.js).
std::vector<ReferenceChip> load_reference_chips() {
  std::ifstream json_file(port_data_dir() / "reference_descriptors.json");
  const nlohmann::json reference = nlohmann::json::parse(json_file);
  std::vector<ReferenceChip> chips;
  for (const nlohmann::json& entry : reference.at("chips")) {
    ReferenceChip chip{entry.at("name").get<std::string>(), {kChipSize, kChipSize, {}}, {}};
    std::ifstream raw(port_data_dir() / (chip.name + ".rgb"), std::ios::binary);
    chip.chip.pixels.assign(std::istreambuf_iterator<char>(raw), {});
    const auto values = entry.at("descriptor").get<std::vector<float>>();
    std::copy_n(values.begin(), std::min<std::size_t>(values.size(), kEmbeddingSize),
                chip.descriptor.begin());
    chips.push_back(std::move(chip));
  }
  return chips;
}

class OpenCvFaceEmbedderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<RecognitionWeights> weights =
        RecognitionWeights::load(std::filesystem::path(FINDME_FACE_API_DIR));
    ASSERT_TRUE(weights) << weights.error().message;
    Result<std::unique_ptr<OpenCvFaceEmbedder>> embedder = OpenCvFaceEmbedder::create(*weights);
    ASSERT_TRUE(embedder) << embedder.error().message;
    shared_embedder = std::move(*embedder).release();
    shared_chips = new std::vector<ReferenceChip>(load_reference_chips());
  }
  static void TearDownTestSuite() {
    delete shared_embedder;
    delete shared_chips;
  }
  static OpenCvFaceEmbedder* shared_embedder;
  static std::vector<ReferenceChip>* shared_chips;
};

OpenCvFaceEmbedder* OpenCvFaceEmbedderTest::shared_embedder = nullptr;
std::vector<ReferenceChip>* OpenCvFaceEmbedderTest::shared_chips = nullptr;

TEST_F(OpenCvFaceEmbedderTest, AgreesWithFaceApiOnEveryReferenceChip) {
  ASSERT_GE(shared_chips->size(), 8u);
  float largest = 0;
  for (const ReferenceChip& reference : *shared_chips) {
    ASSERT_EQ(reference.chip.pixels.size(), reference.chip.byte_size()) << reference.name;
    Result<std::vector<Embedding>> out = shared_embedder->embed({&reference.chip, 1});
    ASSERT_TRUE(out) << out.error().message;
    ASSERT_EQ(out->size(), 1u);
    // face-api divides pixels by 255, dlib (and findme) by 256: ~1.7e-3 apart (FACE-NOTES).
    const float d = distance((*out)[0], reference.descriptor);
    EXPECT_LT(d, 0.01f) << reference.name;
    largest = std::max(largest, d);
  }
  std::cout << "largest distance to face-api's descriptors: " << largest << "\n";
}

TEST_F(OpenCvFaceEmbedderTest, SeparatesPeopleAtDlibsThreshold) {
  std::vector<image::RgbImage> chips;
  for (const ReferenceChip& reference : *shared_chips) {
    chips.push_back(reference.chip);
  }
  Result<std::vector<Embedding>> out = shared_embedder->embed(chips);
  ASSERT_TRUE(out) << out.error().message;
  // faces_img1 and faces_img2 are person01 of shared/testdata/faces; the six demo samples'
  // largest faces are six other people. dlib's ResNet was trained for a 0.6 threshold.
  for (std::size_t a = 0; a < out->size(); ++a) {
    for (std::size_t b = a + 1; b < out->size(); ++b) {
      const std::string pair = (*shared_chips)[a].name + " " + (*shared_chips)[b].name;
      const bool same = pair == "faces_img1 faces_img2";
      const float d = distance((*out)[a], (*out)[b]);
      if (same) {
        EXPECT_LT(d, 0.6f) << pair;
      } else {
        EXPECT_GT(d, 0.5f) << pair;
      }
    }
  }
}

TEST_F(OpenCvFaceEmbedderTest, BatchGivesTheSameDescriptorsAsSingleCalls) {
  std::vector<image::RgbImage> chips;
  for (const ReferenceChip& reference : *shared_chips) {
    chips.push_back(reference.chip);
  }
  Result<RecognitionWeights> weights =
      RecognitionWeights::load(std::filesystem::path(FINDME_FACE_API_DIR));
  ASSERT_TRUE(weights) << weights.error().message;
  // 3 chips per batched pass: 8 chips take two batched passes and two single ones.
  Result<std::unique_ptr<OpenCvFaceEmbedder>> batched =
      OpenCvFaceEmbedder::create(*weights, {.net_batch = 3});
  ASSERT_TRUE(batched) << batched.error().message;

  Result<std::unique_ptr<OpenCvFaceEmbedder>> unbatched =
      OpenCvFaceEmbedder::create(*weights, {.net_batch = 1});
  ASSERT_TRUE(unbatched) << unbatched.error().message;

  for (OpenCvFaceEmbedder* embedder : {shared_embedder, batched->get(), unbatched->get()}) {
    Result<std::vector<Embedding>> batch = embedder->embed(chips);
    ASSERT_TRUE(batch) << batch.error().message;
    ASSERT_EQ(batch->size(), chips.size());
    for (std::size_t i = 0; i < chips.size(); ++i) {
      Result<std::vector<Embedding>> single = unbatched->get()->embed({&chips[i], 1});
      ASSERT_TRUE(single) << single.error().message;
      EXPECT_LE(distance((*batch)[i], (*single)[0]), 1e-5f) << (*shared_chips)[i].name;
    }
  }
}

TEST(OpenCvFaceEmbedderOptions, NetBatchBelowOneIsRefused) {
  Result<RecognitionWeights> weights =
      RecognitionWeights::load(std::filesystem::path(FINDME_FACE_API_DIR));
  ASSERT_TRUE(weights) << weights.error().message;
  Result<std::unique_ptr<OpenCvFaceEmbedder>> embedder =
      OpenCvFaceEmbedder::create(*weights, {.net_batch = 0});
  ASSERT_FALSE(embedder);
  EXPECT_EQ(embedder.error().code, Errc::internal);
}

TEST_F(OpenCvFaceEmbedderTest, EmptyBatchGivesNoDescriptors) {
  Result<std::vector<Embedding>> out = shared_embedder->embed({});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_TRUE(out->empty());
}

TEST_F(OpenCvFaceEmbedderTest, WrongSizeChipIsAnErrorNotACrash) {
  const image::RgbImage narrow{149, 150,
                               std::vector<std::uint8_t>(std::size_t{149} * 150 * 3, 100)};
  const image::RgbImage short_pixels{150, 150, std::vector<std::uint8_t>(100, 100)};
  const image::RgbImage empty{};
  for (const image::RgbImage* bad : {&narrow, &short_pixels, &empty}) {
    const std::vector<image::RgbImage> chips{(*shared_chips)[0].chip, *bad};
    Result<std::vector<Embedding>> out = shared_embedder->embed(chips);
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().code, Errc::internal);
    EXPECT_NE(out.error().message.find("face chip 1"), std::string::npos) << out.error().message;
  }
  Result<std::vector<Embedding>> after = shared_embedder->embed({&(*shared_chips)[0].chip, 1});
  EXPECT_TRUE(after) << "the embedder still works after refusing a chip";
}

}  // namespace
}  // namespace findme::face::model
