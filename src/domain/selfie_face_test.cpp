#include "domain/selfie_face.h"

#include <gtest/gtest.h>

#include "domain/testing/fake_face_engine.h"

namespace findme::domain {
namespace {

using testing::fake_embedding;
using testing::fake_face;
using testing::fake_image;
using testing::FakeImageDecoder;

// A face that fills `fraction` of whatever image it is shown (as a real selfie's face scales with
// the decode), optionally unusable; records the width of every image it analysed.
class ScalingFaceEngine final : public face::FaceEngine {
 public:
  explicit ScalingFaceEngine(float fraction, bool usable = true)
      : fraction_(fraction), usable_(usable) {}

  Result<face::FaceAnalysis> analyze(const image::RgbImage& image) override {
    widths.push_back(image.width);
    face::FaceAnalysis analysis;
    if (fraction_ > 0) {
      const auto side = fraction_ * static_cast<float>(image.width);
      analysis.faces.push_back(fake_face(fake_embedding(widths.size()), usable_, side));
    }
    analysis.timings = {2.0, 1.0, 3.0};
    return analysis;
  }

  std::vector<int> widths;

 private:
  float fraction_;
  bool usable_;
};

class SelfieFaceTest : public ::testing::Test {
 protected:
  Result<SelfieFace> find(const std::string& bytes, face::FaceEngine& engine) {
    return find_selfie_face(std::as_bytes(std::span(bytes)), decoder_, engine, options_);
  }

  FakeImageDecoder decoder_;
  SelfieDecodeOptions options_;  // first at >= 320 px, then <= 1280 px, faces of 112 px enough
};

TEST_F(SelfieFaceTest, LargeFaceIsTakenFromTheCheapestDecode) {
  ScalingFaceEngine engine(0.4f);  // 12 MP phone selfie: 4032 / 8 = 504 px, face 201 px

  Result<SelfieFace> found = find(fake_image("phone", 4032, 3024), engine);

  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(engine.widths, std::vector<int>({504}));
  EXPECT_EQ(found->decodes, 1);
  ASSERT_TRUE(found->face);
  EXPECT_FLOAT_EQ(found->face->quality.size_px, 0.4f * 504);
  EXPECT_EQ(found->faces, 1);
  EXPECT_DOUBLE_EQ(found->timings.detect_ms, 2.0);
}

TEST_F(SelfieFaceTest, SmallFaceIsDescribedAgainFromTheFullSelfieSize) {
  ScalingFaceEngine engine(0.1f);  // 50 px at 504 px: too small; 100 px at 1008 px

  Result<SelfieFace> found = find(fake_image("far", 4032, 3024), engine);

  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(engine.widths, std::vector<int>({504, 1008}));  // the old decode: <= 1280
  EXPECT_EQ(found->decodes, 2);
  ASSERT_TRUE(found->face);
  EXPECT_FLOAT_EQ(found->face->quality.size_px, 0.1f * 1008);  // the second decode's face
  EXPECT_DOUBLE_EQ(found->timings.detect_ms, 4.0);             // both analyses counted
}

TEST_F(SelfieFaceTest, NoUsableFaceInTheCheapDecodeTriesTheFullSize) {
  ScalingFaceEngine none(0);
  ScalingFaceEngine blurry(0.5f, /*usable=*/false);

  Result<SelfieFace> without = find(fake_image("empty", 2000, 1500), none);
  Result<SelfieFace> unusable = find(fake_image("blurry", 2000, 1500), blurry);

  ASSERT_TRUE(without) << without.error().message;
  EXPECT_EQ(none.widths, std::vector<int>({500, 1000}));
  EXPECT_FALSE(without->face);
  ASSERT_TRUE(unusable) << unusable.error().message;
  EXPECT_EQ(blurry.widths, std::vector<int>({500, 1000}));
  EXPECT_FALSE(unusable->face);
}

TEST_F(SelfieFaceTest, SmallSelfieIsDecodedOnceAtFullSizeWhateverItsFace) {
  ScalingFaceEngine engine(0.1f);  // 25 px: small, but no decode has more pixels

  Result<SelfieFace> found = find(fake_image("crop", 250, 250), engine);

  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(engine.widths, std::vector<int>({250}));
  EXPECT_EQ(found->decodes, 1);
  EXPECT_TRUE(found->face);
}

TEST_F(SelfieFaceTest, DecodingAgainNeedsMorePixelsThanTheFirstDecodeHad) {
  options_.max_long_side = 500;  // the second decode would be no larger than the first
  ScalingFaceEngine engine(0.1f);

  Result<SelfieFace> found = find(fake_image("same", 2000, 1500), engine);

  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(engine.widths, std::vector<int>({500}));
}

TEST_F(SelfieFaceTest, DecoderAndEngineErrorsComeBack) {
  testing::FaceScript script;
  script.fail("broken", Errc::internal);
  testing::FakeFaceEngine failing(script);
  ScalingFaceEngine engine(0.4f);

  Result<SelfieFace> corrupt = find("BAD", engine);
  Result<SelfieFace> not_image = find("hello", engine);
  Result<SelfieFace> engine_failed = find(fake_image("broken", 640, 480), failing);

  ASSERT_FALSE(corrupt);
  EXPECT_EQ(corrupt.error().code, Errc::invalid_image);
  ASSERT_FALSE(not_image);
  EXPECT_EQ(not_image.error().code, Errc::unsupported_media_type);
  ASSERT_FALSE(engine_failed);
  EXPECT_EQ(engine_failed.error().code, Errc::internal);
}

}  // namespace
}  // namespace findme::domain
