#include "face/model/gemm_ssd_net.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "face/model/ssd_net.h"
#include "face/model/test_files.h"

namespace findme::face::model {
namespace {

const SsdWeights& ssd_weights() {
  static const SsdWeights kWeights = SsdWeights::load(testing::face_api_dir()).value();
  return kWeights;
}

// The largest difference of any box coordinate (units of the input side) and of any score between
// the two forward passes over `input`.
std::array<float, 2> largest_differences(GemmSsdNet& gemm, SsdNet& opencv, const cv::Mat& input) {
  Result<std::vector<SsdBox>> ours = gemm.run(input);
  Result<std::vector<SsdBox>> reference = opencv.run(input);
  EXPECT_TRUE(ours && reference);
  if (!ours || !reference) return {1, 1};
  EXPECT_EQ(ours->size(), static_cast<std::size_t>(SsdWeights::kAnchorCount));
  EXPECT_EQ(ours->size(), reference->size());
  std::array<float, 2> worst{0, 0};
  for (std::size_t i = 0; i < std::min(ours->size(), reference->size()); ++i) {
    const SsdBox& a = (*ours)[i];
    const SsdBox& b = (*reference)[i];
    worst[0] = std::max({worst[0], std::abs(a.ymin - b.ymin), std::abs(a.xmin - b.xmin),
                         std::abs(a.ymax - b.ymax), std::abs(a.xmax - b.xmax)});
    worst[1] = std::max(worst[1], std::abs(a.score - b.score));
  }
  return worst;
}

// The same function as OpenCV DNN's net (the port that agrees with face-api.js,
// ssd_face_detector_test.cpp) on every anchor, for the six samples, a tile, a portrait crop and a
// blank input.
TEST(GemmSsdNetTest, AgreesWithOpenCvOnEveryAnchor) {
  Result<GemmSsdNet> gemm = GemmSsdNet::create(ssd_weights());
  Result<SsdNet> opencv = SsdNet::create(ssd_weights());
  ASSERT_TRUE(gemm) << gemm.error().message;
  ASSERT_TRUE(opencv) << opencv.error().message;
  std::vector<cv::Mat> inputs;
  for (int n = 1; n <= 6; ++n) {
    const image::RgbImage image = testing::decode_file(testing::face_api_dir() / "demo" /
                                                       ("sample" + std::to_string(n) + ".jpg"));
    ASSERT_FALSE(image.empty());
    inputs.push_back(make_ssd_input(image, {0, 0, image.width, image.height}, 512));
    if (n == 3) {
      inputs.push_back(make_ssd_input(image, {1000, 100, 500, 700}, 512));  // a portrait crop
      inputs.push_back(make_ssd_input(image, {0, 0, 1280, 1280}, 512));     // a tile
    }
  }
  const std::array<int, 4> dims{1, 3, 512, 512};
  inputs.emplace_back(4, dims.data(), CV_32F, cv::Scalar(0));
  std::array<float, 2> worst{0, 0};
  for (const cv::Mat& input : inputs) {
    const std::array<float, 2> d = largest_differences(*gemm, *opencv, input);
    worst = {std::max(worst[0], d[0]), std::max(worst[1], d[1])};
  }
  EXPECT_LT(worst[0], 1e-4f);
  EXPECT_LT(worst[1], 1e-4f);
  std::printf("largest difference to OpenCV DNN: box %.2g (of the input side), score %.2g\n",
              static_cast<double>(worst[0]), static_cast<double>(worst[1]));
}

TEST(GemmSsdNetTest, RefusesAnInputOfAnotherShapeAndRunsAgainAfterIt) {
  Result<GemmSsdNet> gemm = GemmSsdNet::create(ssd_weights());
  ASSERT_TRUE(gemm) << gemm.error().message;
  const std::array<int, 4> wrong{1, 3, 256, 512};
  const std::array<int, 4> right{1, 3, 512, 512};

  Result<std::vector<SsdBox>> refused = gemm->run(cv::Mat(4, wrong.data(), CV_32F, cv::Scalar(0)));
  Result<std::vector<SsdBox>> first = gemm->run(cv::Mat(4, right.data(), CV_32F, cv::Scalar(0.5)));
  Result<std::vector<SsdBox>> again = gemm->run(cv::Mat(4, right.data(), CV_32F, cv::Scalar(0.5)));

  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::internal);
  ASSERT_TRUE(first && again);
  ASSERT_EQ(first->size(), again->size());
  for (std::size_t i = 0; i < first->size(); ++i) {
    // Buffers reused, nothing stale. (Not bit-equal: the second run computes fewer rows, and
    // OpenBLAS may round a shorter sgemm differently in the last bit.)
    ASSERT_NEAR((*first)[i].score, (*again)[i].score, 1e-6f) << i;
  }
}

// The largest difference of any box coordinate or score between a net that ran `warm_up` first
// and a fresh net, over each of `inputs`.
float largest_reuse_difference(const cv::Mat& warm_up, const std::vector<cv::Mat>& inputs) {
  Result<GemmSsdNet> warm = GemmSsdNet::create(ssd_weights());
  EXPECT_TRUE(warm && warm->run(warm_up));  // records the padding of its geometry
  if (!warm) return 1;
  float worst = 0;
  for (const cv::Mat& input : inputs) {
    Result<GemmSsdNet> fresh = GemmSsdNet::create(ssd_weights());
    Result<std::vector<SsdBox>> reused = warm->run(input);
    Result<std::vector<SsdBox>> full = fresh->run(input);
    EXPECT_TRUE(reused && full);
    if (!reused || !full || reused->size() != full->size()) return 1;
    for (std::size_t a = 0; a < full->size(); ++a) {
      const SsdBox& r = (*reused)[a];
      const SsdBox& f = (*full)[a];
      worst = std::max({worst, std::abs(r.ymin - f.ymin), std::abs(r.xmin - f.xmin),
                        std::abs(r.ymax - f.ymax), std::abs(r.xmax - f.xmax),
                        std::abs(r.score - f.score)});
    }
  }
  return worst;
}

image::RgbImage sample(int n) {
  return testing::decode_file(testing::face_api_dir() / "demo" /
                              ("sample" + std::to_string(n) + ".jpg"));
}

// A landscape photo's padding rows are computed once per photo height and reused: a photo run
// after another of the same height gives the boxes a fresh net gives it.
TEST(GemmSsdNetTest, PhotosOfOneHeightReuseThePaddingRowsAndGiveTheSameBoxes) {
  std::vector<cv::Mat> inputs;
  for (int n : {1, 2, 4}) {
    const image::RgbImage image = sample(n);
    ASSERT_FALSE(image.empty());
    ASSERT_GT(image.width, image.height);  // landscape: padding rows under the photo
    inputs.push_back(make_ssd_input(image, {0, 0, image.width, 1280 * image.width / 1920}, 512));
  }
  EXPECT_LT(largest_reuse_difference(inputs[0], {inputs[1], inputs[2]}), 1e-6f);
}

// A portrait photo's padding is columns on the right: the backbone runs over the transposed input,
// where they are rows, recorded once per photo width and reused as a landscape photo's.
TEST(GemmSsdNetTest, PortraitPhotosOfOneWidthReuseTheirPaddingAndGiveTheSameBoxes) {
  std::vector<cv::Mat> inputs;
  for (int n : {1, 3, 5}) {
    const image::RgbImage image = sample(n);
    ASSERT_FALSE(image.empty());
    // A 2:3 portrait cut of the photo's middle.
    const int width = image.height * 2 / 3;
    inputs.push_back(
        make_ssd_input(image, {(image.width - width) / 2, 0, width, image.height}, 512));
  }
  EXPECT_LT(largest_reuse_difference(inputs[0], {inputs[1], inputs[2]}), 1e-6f);

  // And the same function as OpenCV DNN's net on them.
  Result<GemmSsdNet> gemm = GemmSsdNet::create(ssd_weights());
  Result<SsdNet> opencv = SsdNet::create(ssd_weights());
  ASSERT_TRUE(gemm && opencv);
  for (const cv::Mat& input : inputs) {
    const std::array<float, 2> d = largest_differences(*gemm, *opencv, input);
    EXPECT_LT(d[0], 1e-4f);
    EXPECT_LT(d[1], 1e-4f);
  }
}

}  // namespace
}  // namespace findme::face::model
