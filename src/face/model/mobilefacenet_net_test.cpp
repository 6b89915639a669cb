#include "face/model/mobilefacenet_net.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace findme::face::model {
namespace {

const std::filesystem::path kPortData =
    std::filesystem::path(FINDME_SOURCE_DIR) / "tests/data/port";
const std::filesystem::path kPackage =
    std::filesystem::path(FINDME_MODEL_DIR) / "human-models-3.0.4";

// The central 112x112 window of a 150x150 chip of tests/data/port, as
// tools/reference/mobilefacenet.js takes it.
image::RgbImage central_window(const std::string& name) {
  std::ifstream raw(kPortData / (name + ".rgb"), std::ios::binary);
  const std::vector<std::uint8_t> chip{std::istreambuf_iterator<char>(raw), {}};
  constexpr int kSide = MobileFaceNetWeights::kInputSize;
  constexpr int kFrom = 150;
  constexpr int kOffset = (kFrom - kSide) / 2;
  image::RgbImage out{kSide, kSide, {}};
  if (chip.size() != std::size_t{kFrom} * kFrom * 3) {
    return out;  // empty pixels: describe() refuses it
  }
  for (int y = 0; y < kSide; ++y) {
    const auto row = chip.begin() + ((y + kOffset) * kFrom + kOffset) * 3;
    out.pixels.insert(out.pixels.end(), row, row + kSide * 3);
  }
  return out;
}

float distance(const std::vector<float>& a, const std::vector<float>& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sum += (static_cast<double>(a[i]) - b[i]) * (static_cast<double>(a[i]) - b[i]);
  }
  return static_cast<float>(std::sqrt(sum));
}

class MobileFaceNetTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<MobileFaceNetWeights> weights = MobileFaceNetWeights::load(kPackage);
    ASSERT_TRUE(weights) << weights.error().message;
    Result<MobileFaceNet> net = MobileFaceNet::create(*weights);
    ASSERT_TRUE(net) << net.error().message;
    shared = new MobileFaceNet(std::move(*net));
  }
  static void TearDownTestSuite() { delete shared; }
  static MobileFaceNet* shared;
};

MobileFaceNet* MobileFaceNetTest::shared = nullptr;

TEST_F(MobileFaceNetTest, AgreesWithTfjsOnEveryReferenceChip) {
  std::ifstream file(kPortData / "mobilefacenet_reference.json");
  const nlohmann::json reference = nlohmann::json::parse(file);
  ASSERT_GE(reference.size(), 8u);
  float largest = 0;
  for (const auto& [name, values] : reference.items()) {
    const image::RgbImage chip = central_window(name);
    Result<std::vector<std::vector<float>>> out = shared->describe({&chip, 1});
    ASSERT_TRUE(out) << name << ": " << out.error().message;
    ASSERT_EQ(out->size(), 1u);
    const std::vector<float> expected = values.get<std::vector<float>>();
    ASSERT_EQ((*out)[0].size(), expected.size()) << name;
    const float d = distance((*out)[0], expected);
    EXPECT_LT(d, 1e-4f) << name;
    largest = std::max(largest, d);
  }
  std::cout << "largest distance to TF.js's descriptors: " << largest << "\n";
}

TEST_F(MobileFaceNetTest, DescriptorsAreUnitLengthAndIndependentOfTheOtherChips) {
  const image::RgbImage a = central_window("demo_sample1");
  const image::RgbImage b = central_window("demo_sample2");
  const std::vector<image::RgbImage> chips{a, b, a};
  Result<std::vector<std::vector<float>>> out = shared->describe(chips);
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->size(), 3u);
  for (const std::vector<float>& d : *out) {
    ASSERT_EQ(d.size(), std::size_t{MobileFaceNetWeights::kDescriptorSize});
    EXPECT_NEAR(distance(d, std::vector<float>(d.size(), 0)), 1.0f, 1e-5f);
  }
  EXPECT_LT(distance((*out)[0], (*out)[2]), 1e-6f);
}

TEST_F(MobileFaceNetTest, RefusesAChipOfAnotherSize) {
  const image::RgbImage wrong{150, 150, std::vector<std::uint8_t>(150 * 150 * 3, 0)};
  Result<std::vector<std::vector<float>>> out = shared->describe({&wrong, 1});
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("expected a 112x112 RGB chip"), std::string::npos);
}

TEST(MobileFaceNetWeightsTest, RefusesAFileThatDoesNotMatchItsPinnedDigest) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "findme_mfn_digest";
  std::filesystem::create_directories(dir / "models");
  std::filesystem::copy_file(kPackage / "models" / "mobilefacenet.bin",
                             dir / "models" / "mobilefacenet.bin",
                             std::filesystem::copy_options::overwrite_existing);
  std::ofstream(dir / "models" / "mobilefacenet.json") << "{}";
  Result<MobileFaceNetWeights> weights = MobileFaceNetWeights::load(dir);
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(weights);
  EXPECT_NE(weights.error().message.find("tools/fetch_models.sh"), std::string::npos)
      << weights.error().message;
}

}  // namespace
}  // namespace findme::face::model
