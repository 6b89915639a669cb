#include "face/model/ssd_weights.h"

#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "face/model/test_files.h"

namespace findme::face::model {
namespace {

TEST(SsdWeightsTest, LoadsTheWholeGraph) {
  Result<SsdWeights> weights = SsdWeights::load(testing::face_api_dir());
  ASSERT_TRUE(weights) << weights.error().message;
  ASSERT_EQ(weights->backbone().size(), 27u);
  EXPECT_EQ(weights->extras().size(), 8u);
  EXPECT_EQ(weights->backbone()[SsdWeights::kConv11].name, "MobilenetV1/Conv2d_11_pointwise");
  const SsdConv& depthwise = weights->backbone()[3];  // pair 2: stride 2
  EXPECT_TRUE(depthwise.depthwise);
  EXPECT_EQ(depthwise.stride, 2);
  EXPECT_EQ(depthwise.filters.size[0], 64);
  EXPECT_EQ(depthwise.filters.size[1], 1);
  int anchors = 0;
  const int sides[] = {32, 16, 8, 4, 2, 1};
  for (std::size_t i = 0; i < weights->predictors().size(); ++i) {
    const SsdBoxPredictor& p = weights->predictors()[i];
    EXPECT_EQ(p.boxes.out_channels, 4 * p.anchors_per_cell);
    EXPECT_EQ(p.classes.out_channels, 3 * p.anchors_per_cell);
    EXPECT_FALSE(p.boxes.relu6);
    anchors += sides[i] * sides[i] * p.anchors_per_cell;
  }
  EXPECT_EQ(anchors, SsdWeights::kAnchorCount);
  EXPECT_EQ(weights->anchors().rows, SsdWeights::kAnchorCount);
  EXPECT_EQ(weights->anchors().cols, 4);
}

TEST(SsdWeightsTest, MissingPackageNamesTheFetchScript) {
  Result<SsdWeights> weights = SsdWeights::load("/nonexistent/face-api");
  ASSERT_FALSE(weights);
  EXPECT_NE(weights.error().message.find("tools/fetch_models.sh"), std::string::npos);
}

// An edited copy of the manifest beside a link to the real .bin.
class SsdManifestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("findme_ssd_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    const std::filesystem::path model = testing::face_api_dir() / "model";
    std::filesystem::create_symlink(model / "ssd_mobilenetv1_model.bin",
                                    dir_ / "ssd_mobilenetv1_model.bin");
    std::ifstream in(model / "ssd_mobilenetv1_model-weights_manifest.json");
    manifest_ = nlohmann::json::parse(in);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  nlohmann::json& entry(const std::string& name) {
    for (nlohmann::json& w : manifest_[0]["weights"]) {
      if (w["name"] == name) {
        return w;
      }
    }
    throw std::runtime_error("no tensor " + name);
  }
  Result<SsdWeights> load() {
    const std::filesystem::path path = dir_ / "manifest.json";
    std::ofstream(path) << manifest_.dump();
    return SsdWeights::from_manifest(path);
  }

  std::filesystem::path dir_;
  nlohmann::json manifest_;
};

TEST_F(SsdManifestTest, UnalteredCopyLoads) {
  Result<SsdWeights> weights = load();
  EXPECT_TRUE(weights) << weights.error().message;
}

TEST_F(SsdManifestTest, RenamedTensorIsNamedAsMissing) {
  entry("MobilenetV1/Conv2d_5_depthwise/BatchNorm/beta")["name"] = "extra/beta";
  Result<SsdWeights> weights = load();
  ASSERT_FALSE(weights);
  EXPECT_NE(weights.error().message.find("'MobilenetV1/Conv2d_5_depthwise/BatchNorm/beta' is "
                                         "missing"),
            std::string::npos)
      << weights.error().message;
}

TEST_F(SsdManifestTest, GraphConstantOfAnotherModelIsRefused) {
  // Same size in the .bin (one quantised byte), another value: 3072 anchors become something else.
  entry("Prediction/BoxPredictor_0/stack_1/1")["quantization"]["min"] = 4000.0;
  Result<SsdWeights> weights = load();
  ASSERT_FALSE(weights);
  EXPECT_NE(weights.error().message.find("graph constant 'Prediction/BoxPredictor_0/stack_1/1'"),
            std::string::npos)
      << weights.error().message;
}

TEST_F(SsdManifestTest, WrongShapeIsNamed) {
  nlohmann::json& anchors = entry("Output/extra_dim");
  anchors["shape"] = {1, 2559, 8};  // same element count
  Result<SsdWeights> weights = load();
  ASSERT_FALSE(weights);
  EXPECT_NE(weights.error().message.find("'Output/extra_dim' has shape [1, 2559, 8]"),
            std::string::npos)
      << weights.error().message;
}

}  // namespace
}  // namespace findme::face::model
