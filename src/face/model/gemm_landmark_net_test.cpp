#include "face/model/gemm_landmark_net.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "face/model/landmark_net.h"
#include "face/model/test_files.h"

namespace findme::face::model {
namespace {

const LandmarkNetWeights& landmark_weights() {
  static const LandmarkNetWeights instance = [] {
    Result<LandmarkNetWeights> loaded = LandmarkNetWeights::load(testing::face_api_dir());
    EXPECT_TRUE(loaded) << loaded.error().message;
    return std::move(loaded).value();
  }();
  return instance;
}

std::vector<std::pair<std::string, image::RgbImage>> landmark_reference_crops() {
  std::ifstream json_file(testing::reference_dir("landmarks") / "reference.json");
  const nlohmann::json reference = nlohmann::json::parse(json_file);
  std::vector<std::pair<std::string, image::RgbImage>> crops;
  for (const nlohmann::json& crop : reference.at("crops")) {
    const std::string name = crop.at("name").get<std::string>();
    crops.emplace_back(name,
                       testing::decode_file(testing::reference_dir("landmarks") / (name + ".png")));
  }
  return crops;
}

// The same net as OpenCV runs it: every raw output of every reference crop within 1e-5 of the
// square's side (1e-3 px on a 100 px face), and on crops of the crops boxed off-centre, which
// exercise the padding.
TEST(GemmLandmarkNetTest, AgreesWithTheOpenCvNetOnEveryOutput) {
  Result<std::unique_ptr<GemmLandmarkNet>> gemm = GemmLandmarkNet::create(landmark_weights());
  ASSERT_TRUE(gemm) << gemm.error().message;
  Result<std::unique_ptr<LandmarkNet>> opencv = LandmarkNet::create(landmark_weights());
  ASSERT_TRUE(opencv) << opencv.error().message;
  const auto crops = landmark_reference_crops();
  ASSERT_GE(crops.size(), 8u);
  double worst = 0;
  for (const auto& [name, image] : crops) {
    ASSERT_FALSE(image.empty()) << name;
    for (const LandmarkCrop crop :
         {LandmarkCrop{0, 0, image.width, image.height},
          LandmarkCrop{image.width / 5, 0, image.width - image.width / 5, image.height / 2}}) {
      const cv::Mat input = make_landmark_input(image, crop);
      Result<std::array<float, 136>> ours = (*gemm)->run(input);
      Result<std::array<float, 136>> theirs = (*opencv)->run(input);
      ASSERT_TRUE(ours && theirs);
      for (std::size_t i = 0; i < ours->size(); ++i) {
        worst = std::max(worst, static_cast<double>(std::abs((*ours)[i] - (*theirs)[i])));
        EXPECT_NEAR((*ours)[i], (*theirs)[i], 1e-5) << name << " output " << i;
      }
    }
  }
  std::printf("worst difference to the OpenCV landmark net: %.2e of the square's side\n", worst);
}

// As LandmarkNetTest's check against face-api.js itself, through locate().
TEST(GemmLandmarkNetTest, AgreesWithFaceApiJsOnEveryReferenceCrop) {
  Result<std::unique_ptr<GemmLandmarkNet>> net = GemmLandmarkNet::create(landmark_weights());
  ASSERT_TRUE(net) << net.error().message;
  std::ifstream json_file(testing::reference_dir("landmarks") / "reference.json");
  const nlohmann::json reference = nlohmann::json::parse(json_file);
  const auto crops = landmark_reference_crops();
  ASSERT_EQ(crops.size(), reference.at("crops").size());
  for (std::size_t k = 0; k < crops.size(); ++k) {
    const auto& [name, image] = crops[k];
    Result<std::vector<Point>> points = (*net)->locate(
        image, Box{0, 0, static_cast<float>(image.width), static_cast<float>(image.height)});
    ASSERT_TRUE(points) << points.error().message;
    const auto& expected = reference.at("crops")[k].at("points");
    ASSERT_EQ(points->size(), expected.size()) << name;
    const double side = std::max(image.width, image.height);
    for (std::size_t i = 0; i < points->size(); ++i) {
      const double dx = (*points)[i].x - expected[i][0].get<double>();
      const double dy = (*points)[i].y - expected[i][1].get<double>();
      EXPECT_LT(std::hypot(dx, dy), 1e-3 * side) << name << " point " << i;
    }
  }
}

TEST(GemmLandmarkNetTest, AnInputOfAnotherShapeIsAnError) {
  Result<std::unique_ptr<GemmLandmarkNet>> net = GemmLandmarkNet::create(landmark_weights());
  ASSERT_TRUE(net) << net.error().message;
  const std::array<int, 4> dims{1, 3, 64, 64};
  Result<std::array<float, 136>> out = (*net)->run(cv::Mat(4, dims.data(), CV_32F, 0.0f));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, Errc::internal);
}

}  // namespace
}  // namespace findme::face::model
