#include "face/model/blazeface_face_detector.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "face/model/test_files.h"
#include "image/area_shrink.h"
#include "image/vips/vips_image_decoder.h"

namespace findme::face::model {
namespace {

// One detector for the binary, at the reference's policy (MediaPipe's defaults).
BlazeFaceDetector& blazeface_detector() {
  static const std::unique_ptr<BlazeFaceDetector> instance = [] {
    Result<BlazeFaceWeights> weights = BlazeFaceWeights::load(testing::human_models_dir());
    EXPECT_TRUE(weights) << weights.error().message;
    if (!weights) {
      return std::unique_ptr<BlazeFaceDetector>();
    }
    Result<std::unique_ptr<BlazeFaceDetector>> made = BlazeFaceDetector::create(*weights, {});
    EXPECT_TRUE(made) << made.error().message;
    return made ? std::move(made).value() : std::unique_ptr<BlazeFaceDetector>();
  }();
  return *instance;
}

nlohmann::json reference() {
  return nlohmann::json::parse(
      testing::read_file(testing::reference_dir("blazeface") / "reference.json"));
}

// |a - b| / max(1, |b|): logits of far-off anchors reach -3e4, where a float keeps ~2e-3.
float relative_difference(float a, float b) {
  return std::abs(a - b) / std::max(1.0f, std::abs(b));
}

// tools/reference/blazeface_boxes.js ran the TF.js graph on the same PNGs. Measured: largest
// difference of any logit or value of the best rows (relative above 1) 5e-6..4e-5: float
// summation order, on values up to 100 px.
TEST(BlazeFaceDetectorTest, RawOutputsAgreeWithTfjs) {
  const nlohmann::json all = reference();  // a named value: range-for would drop a temporary
  for (const nlohmann::json& ref : all.at("images")) {
    const std::string file = ref.at("file").get<std::string>();
    const image::RgbImage image = testing::decode_file(testing::reference_dir("blazeface") / file);
    ASSERT_EQ(image.width, ref.at("width").get<int>()) << file;
    Result<cv::Mat> raw = blazeface_detector().raw_output(image);
    ASSERT_TRUE(raw) << raw.error().message;
    ASSERT_EQ(raw->rows, BlazeFaceWeights::kAnchorCount);
    ASSERT_EQ(raw->cols, BlazeFaceWeights::kValues);
    float worst = 0;
    const nlohmann::json& logits = ref.at("logits");
    ASSERT_EQ(logits.size(), 896u);
    for (int i = 0; i < raw->rows; ++i) {
      const float expected = logits[static_cast<std::size_t>(i)].get<float>();
      worst = std::max(worst, relative_difference(raw->at<float>(i, 0), expected));
    }
    for (const nlohmann::json& row : ref.at("best_rows")) {
      const int anchor = row.at("anchor").get<int>();
      for (int j = 0; j < BlazeFaceWeights::kValues; ++j) {
        const float expected = row.at("values")[static_cast<std::size_t>(j)].get<float>();
        worst = std::max(worst, relative_difference(raw->at<float>(anchor, j), expected));
      }
    }
    std::printf("%s: largest raw difference %.2e\n", file.c_str(), static_cast<double>(worst));
    EXPECT_LT(worst, 1e-4f) << file;
  }
}

TEST(BlazeFaceDetectorTest, FacesAgreeWithTfjs) {
  int faces = 0;
  const nlohmann::json all = reference();  // a named value: range-for would drop a temporary
  for (const nlohmann::json& ref : all.at("images")) {
    const std::string file = ref.at("file").get<std::string>();
    const std::vector<Detection> found = blazeface_detector().detect(
        testing::decode_file(testing::reference_dir("blazeface") / file));
    const nlohmann::json& expected = ref.at("faces");
    ASSERT_EQ(found.size(), expected.size()) << file;
    for (std::size_t i = 0; i < found.size(); ++i) {
      const nlohmann::json& e = expected[i];
      const Detection& d = found[i];
      EXPECT_NEAR(d.score, e.at("score").get<float>(), 1e-5) << file;
      // The reference's boxes are unclipped; detect() clips them to the image.
      const auto w = static_cast<float>(ref.at("width").get<int>());
      const auto h = static_cast<float>(ref.at("height").get<int>());
      const float x = e.at("x").get<float>();
      const float y = e.at("y").get<float>();
      EXPECT_NEAR(d.box.x, std::clamp(x, 0.0f, w), 0.05) << file;
      EXPECT_NEAR(d.box.y, std::clamp(y, 0.0f, h), 0.05) << file;
      EXPECT_NEAR(d.box.x + d.box.width, std::clamp(x + e.at("width").get<float>(), 0.0f, w), 0.05)
          << file;
      EXPECT_NEAR(d.box.y + d.box.height, std::clamp(y + e.at("height").get<float>(), 0.0f, h),
                  0.05)
          << file;
      ASSERT_EQ(d.keypoints.size(), 6u);
      for (std::size_t k = 0; k < 6; ++k) {
        EXPECT_NEAR(d.keypoints[k].x, e.at("keypoints")[k][0].get<float>(), 0.05) << file << k;
        EXPECT_NEAR(d.keypoints[k].y, e.at("keypoints")[k][1].get<float>(), 0.05) << file << k;
      }
      ++faces;
    }
  }
  EXPECT_EQ(faces, 5);  // one in each face crop, two in two_faces.png, none in no_face.png
}

// The documented order on an upright face: the person's right eye and ear on the image's left,
// eyes above the nose tip above the mouth.
TEST(BlazeFaceDetectorTest, KeypointsComeInMediaPipeOrder) {
  const std::vector<Detection> found = blazeface_detector().detect(
      testing::decode_file(testing::reference_dir("blazeface") / "face_close.png"));
  ASSERT_EQ(found.size(), 1u);
  const std::vector<Point>& k = found[0].keypoints;
  ASSERT_EQ(k.size(), 6u);
  EXPECT_LT(k[blazeface::kRightEye].x, k[blazeface::kLeftEye].x);
  EXPECT_LT(k[blazeface::kRightEar].x,
            k[blazeface::kLeftEar].x);  // this head is turned: its right ear is by the eye
  EXPECT_LT(std::max(k[blazeface::kRightEye].y, k[blazeface::kLeftEye].y),
            k[blazeface::kNoseTip].y);
  EXPECT_LT(k[blazeface::kNoseTip].y, k[blazeface::kMouthCentre].y);
  for (const Point& p : k) {  // inside the box, give or take the ears
    EXPECT_GT(p.x, found[0].box.x - found[0].box.width * 0.2f);
    EXPECT_LT(p.x, found[0].box.x + found[0].box.width * 1.2f);
  }
}

// A large photo goes through the area-averaging shrink: the same face, cropped from a 1920 px
// sample at 320 px and found in it at its full size, lands where the 128 px crop puts it.
TEST(BlazeFaceDetectorTest, LargeImagesAreShrunkNotStretched) {
  const image::RgbImage close =
      testing::decode_file(testing::reference_dir("blazeface") / "face_close.png");
  image::RgbImage wide{close.width * 4, close.height * 2,
                       std::vector<std::uint8_t>(close.pixels.size() * 8, 0)};
  const auto src_w = static_cast<std::size_t>(close.width);
  const auto dst_w = static_cast<std::size_t>(wide.width);
  for (std::size_t y = 0; y < 2 * static_cast<std::size_t>(close.height); ++y) {
    for (std::size_t x = 0; x < 2 * src_w; ++x) {  // the crop at 2x, pixel-doubled, on the left
      for (std::size_t c = 0; c < 3; ++c) {
        wide.pixels[(y * dst_w + x) * 3 + c] = close.pixels[((y / 2) * src_w + x / 2) * 3 + c];
      }
    }
  }
  const std::vector<Detection> small = blazeface_detector().detect(close);
  const std::vector<Detection> big =
      blazeface_detector().detect(wide);  // 512x256: face ~1/3 of the side
  ASSERT_EQ(small.size(), 1u);
  ASSERT_EQ(big.size(), 1u);
  EXPECT_NEAR(big[0].box.x, small[0].box.x * 2, 8);
  EXPECT_NEAR(big[0].box.y, small[0].box.y * 2, 8);
  EXPECT_NEAR(big[0].box.width, small[0].box.width * 2, 8);
  EXPECT_NEAR(big[0].box.height, small[0].box.height * 2, 8);  // not stretched by 2
}

TEST(BlazeFaceDetectorTest, EmptyImageHasNoFace) {
  EXPECT_TRUE(blazeface_detector().detect(image::RgbImage{}).empty());
  EXPECT_FALSE(blazeface_detector().raw_output(image::RgbImage{}));
}

TEST(BlazeFaceDetectorTest, PolicyOutOfRangeIsRefused) {
  Result<BlazeFaceWeights> weights = BlazeFaceWeights::load(testing::human_models_dir());
  ASSERT_TRUE(weights) << weights.error().message;
  for (const BlazeFacePolicy& policy :
       {BlazeFacePolicy{.min_confidence = 0}, BlazeFacePolicy{.max_iou = 1.5f},
        BlazeFacePolicy{.max_results = 0}}) {
    Result<std::unique_ptr<BlazeFaceDetector>> made = BlazeFaceDetector::create(*weights, policy);
    ASSERT_FALSE(made);
    EXPECT_EQ(made.error().code, Errc::internal);
  }
}

// Altered copies of the model in a temporary folder.
class AlteredModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() /
        ("findme_blazeface_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    json_ = nlohmann::json::parse(
        testing::read_file(testing::human_models_dir() / "models" / "blazeface-front.json"));
    bin_ = testing::read_file(testing::human_models_dir() / "models" / "blazeface-front.bin");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Result<BlazeFaceNet> build() {
    std::ofstream(dir_ / "blazeface-front.json") << json_.dump();
    std::ofstream(dir_ / "blazeface-front.bin", std::ios::binary) << bin_;
    Result<BlazeFaceWeights> weights =
        BlazeFaceWeights::from_model_json(dir_ / "blazeface-front.json");
    if (!weights) {
      return weights.error();
    }
    return BlazeFaceNet::create(*weights);
  }

  std::filesystem::path dir_;
  nlohmann::json json_;
  std::string bin_;
};

TEST_F(AlteredModelTest, UnalteredCopyBuilds) {
  Result<BlazeFaceNet> net = build();
  EXPECT_TRUE(net) << net.error().message;
}

TEST_F(AlteredModelTest, TruncatedWeightsAreRefused) {
  bin_.resize(bin_.size() - 4);
  Result<BlazeFaceNet> net = build();
  ASSERT_FALSE(net);
  EXPECT_NE(net.error().message.find("re-fetch"), std::string::npos) << net.error().message;
}

TEST_F(AlteredModelTest, UnsupportedOpIsRefusedByName) {
  for (nlohmann::json& node : json_["modelTopology"]["node"]) {
    if (node["op"] == "Relu") {
      node["op"] = "Relu6";
      break;
    }
  }
  Result<BlazeFaceNet> net = build();
  ASSERT_FALSE(net);
  EXPECT_NE(net.error().message.find("unsupported op Relu6"), std::string::npos)
      << net.error().message;
}

TEST_F(AlteredModelTest, UnusedWeightIsRefused) {
  json_["weightsManifest"][0]["weights"].push_back(
      {{"name", "extra"}, {"shape", {1}}, {"dtype", "float32"}});
  bin_ += std::string(4, '\0');
  Result<BlazeFaceNet> net = build();
  ASSERT_FALSE(net);
  EXPECT_NE(net.error().message.find("extra"), std::string::npos) << net.error().message;
}

TEST_F(AlteredModelTest, NotAGraphModelIsRefused) {
  json_ = nlohmann::json::array();
  Result<BlazeFaceNet> net = build();
  ASSERT_FALSE(net);
  EXPECT_NE(net.error().message.find("not a TF.js graph model"), std::string::npos);
}

TEST(BlazeFaceWeightsTest, MissingPackageSaysHowToFetch) {
  Result<BlazeFaceWeights> weights = BlazeFaceWeights::load("/nonexistent");
  ASSERT_FALSE(weights);
  EXPECT_NE(weights.error().message.find("tools/fetch_models.sh"), std::string::npos);
}

// BlazeFace's input is made with image::area_shrink: the same area means as OpenCV's INTER_AREA
// (which it replaced, at a third of the cost) within 1 per channel, on the package's 1920 px
// group photos shrunk to the net's 128 px.
TEST(BlazeFaceInputTest, TheAreaShrinkAgreesWithOpenCvsInterArea) {
  for (int n = 1; n <= 6; ++n) {
    const image::RgbImage photo = testing::decode_file(testing::face_api_dir() / "demo" /
                                                       ("sample" + std::to_string(n) + ".jpg"));
    ASSERT_FALSE(photo.empty());
    const int width = 128;
    const int height = static_cast<int>(std::lround(photo.height * 128.0 / photo.width));
    const image::RgbImage ours = image::area_shrink(photo, width, height);
    const cv::Mat src(photo.height, photo.width, CV_8UC3,
                      const_cast<std::uint8_t*>(photo.pixels.data()));
    cv::Mat theirs;
    cv::resize(src, theirs, cv::Size(width, height), 0, 0, cv::INTER_AREA);
    ASSERT_EQ(theirs.total() * 3, ours.pixels.size());
    std::size_t differing = 0;
    for (std::size_t i = 0; i < ours.pixels.size(); ++i) {
      const int difference = std::abs(int{ours.pixels[i]} - int{theirs.data[i]});
      ASSERT_LE(difference, 1) << "sample" << n << " value " << i;
      differing += difference != 0 ? 1 : 0;
    }
    EXPECT_LT(differing, ours.pixels.size() / 100) << "sample" << n;
  }
}

}  // namespace
}  // namespace findme::face::model
