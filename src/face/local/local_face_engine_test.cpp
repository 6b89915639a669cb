#include "face/local/local_face_engine.h"

#include <cmath>
#include <optional>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "face/dlib/hog_face_detector.h"
#include "face/local/face_models.h"
#include "face/local/test_photos.h"

namespace findme::face::local {
namespace {

// Box blur of radius r, applied twice (close to a Gaussian): an out-of-focus photo.
image::RgbImage blur(const image::RgbImage& in, int r) {
  image::RgbImage out = in;
  const auto at = [](const image::RgbImage& img, int x, int y, std::size_t c) {
    x = std::clamp(x, 0, img.width - 1);
    y = std::clamp(y, 0, img.height - 1);
    return int{img.pixels[img.offset(x, y) + c]};
  };
  for (int pass = 0; pass < 4; ++pass) {  // horizontal, vertical, horizontal, vertical
    const image::RgbImage src = out;
    for (int y = 0; y < src.height; ++y) {
      for (int x = 0; x < src.width; ++x) {
        for (std::size_t c = 0; c < 3; ++c) {
          int sum = 0;
          for (int d = -r; d <= r; ++d) {
            sum += pass % 2 == 0 ? at(src, x + d, y, c) : at(src, x, y + d, c);
          }
          out.pixels[out.offset(x, y) + c] = static_cast<std::uint8_t>(sum / (2 * r + 1));
        }
      }
    }
  }
  return out;
}

class LocalFaceEngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {  // once per process: CTest runs each test in its own
    Result<FaceModels> loaded = FaceModels::load(testing::default_model_options());
    ASSERT_TRUE(loaded) << loaded.error().message;
    shared_models.emplace(std::move(loaded).value());
  }
  static void TearDownTestSuite() { shared_models.reset(); }

  static std::unique_ptr<FaceEngine> make_engine() {
    Result<std::unique_ptr<FaceEngine>> engine = shared_models->make_engine();
    EXPECT_TRUE(engine) << engine.error().message;
    return engine ? std::move(engine).value() : nullptr;
  }

  static inline std::optional<FaceModels> shared_models;
};

// Records what it is given; fails when told to.
class FakeEmbedder final : public FaceEmbedder {
 public:
  explicit FakeEmbedder(bool fail) : fail_(fail) {}
  Result<std::vector<Embedding>> embed(std::span<const image::RgbImage> chips) override {
    ++calls;
    chip_sides.clear();
    for (const image::RgbImage& chip : chips) {
      chip_sides.push_back(chip.width);
    }
    if (fail_) {
      return make_error(Errc::internal, "net failed");
    }
    return std::vector<Embedding>(chips.size());
  }
  int calls = 0;
  std::vector<int> chip_sides;

 private:
  bool fail_;
};

TEST_F(LocalFaceEngineTest, PhotoGivesLandmarksAndDescriptorsLargestFirst) {
  const image::RgbImage photo = testing::load_sample(1);  // three faces counted by eye
  Result<FaceAnalysis> analysis = make_engine()->analyze(photo);
  ASSERT_TRUE(analysis) << analysis.error().message;
  ASSERT_EQ(analysis->faces.size(), 3u);
  for (std::size_t i = 0; i < analysis->faces.size(); ++i) {
    const Face& face = analysis->faces[i];
    EXPECT_EQ(face.landmarks.size(), 68u);
    EXPECT_GE(face.box.x, 0);
    EXPECT_LE(face.box.x + face.box.width, static_cast<float>(photo.width));
    EXPECT_TRUE(face.quality.usable) << face.quality.reason;
    float norm = 0;
    for (float v : face.embedding) {
      ASSERT_TRUE(std::isfinite(v));
      norm += v * v;
    }
    EXPECT_GT(norm, 0.1f);
    if (i > 0) {
      EXPECT_GE(analysis->faces[i - 1].box.width * analysis->faces[i - 1].box.height,
                face.box.width * face.box.height);
    }
  }
  // Three different people.
  EXPECT_GT(distance(analysis->faces[0].embedding, analysis->faces[1].embedding), 0.6f);
  EXPECT_GT(analysis->timings.detect_ms, 0);
  EXPECT_GT(analysis->timings.embed_ms, 0);
}

TEST_F(LocalFaceEngineTest, BlurredPhotoFacesAreFlaggedBlurry) {
  const image::RgbImage photo = testing::load_sample(6);
  std::unique_ptr<FaceEngine> engine = make_engine();
  Result<FaceAnalysis> sharp = engine->analyze(photo);
  Result<FaceAnalysis> blurred = engine->analyze(blur(photo, 5));
  ASSERT_TRUE(sharp && blurred);
  ASSERT_FALSE(sharp->faces.empty());
  ASSERT_FALSE(blurred->faces.empty());
  for (const Face& face : sharp->faces) {
    EXPECT_TRUE(face.quality.usable) << face.quality.reason;
  }
  for (const Face& face : blurred->faces) {
    EXPECT_FALSE(face.quality.usable);
    EXPECT_EQ(std::string(face.quality.reason), "blurry");
  }
}

TEST_F(LocalFaceEngineTest, EnginesOnTwoThreadsGiveIdenticalResults) {
  const image::RgbImage photo = testing::load_sample(5);
  std::unique_ptr<FaceEngine> a = make_engine();
  std::unique_ptr<FaceEngine> b = make_engine();
  std::optional<Result<FaceAnalysis>> ra;
  std::optional<Result<FaceAnalysis>> rb;
  std::thread ta([&] { ra.emplace(a->analyze(photo)); });
  std::thread tb([&] { rb.emplace(b->analyze(photo)); });
  ta.join();
  tb.join();
  ASSERT_TRUE(*ra && *rb);
  ASSERT_EQ((*ra)->faces.size(), (*rb)->faces.size());
  ASSERT_FALSE((*ra)->faces.empty());
  for (std::size_t i = 0; i < (*ra)->faces.size(); ++i) {
    EXPECT_EQ((*ra)->faces[i].embedding, (*rb)->faces[i].embedding);
    EXPECT_EQ((*ra)->faces[i].box.x, (*rb)->faces[i].box.x);
  }
}

TEST_F(LocalFaceEngineTest, EmptyImageHasNoFace) {
  Result<FaceAnalysis> analysis = make_engine()->analyze(image::RgbImage{});
  ASSERT_TRUE(analysis);
  EXPECT_TRUE(analysis->faces.empty());
}

TEST(LocalFaceEngineFakeTest, ChipsGoToTheEmbedderInOneBatchAndItsErrorComesBack) {
  Result<dlib::FaceLandmarker> landmarker = dlib::FaceLandmarker::load(dlib::kDefaultLandmarkModel);
  ASSERT_TRUE(landmarker) << landmarker.error().message;
  auto shared = std::make_shared<const dlib::FaceLandmarker>(std::move(landmarker).value());
  const image::RgbImage photo = testing::load_sample(6);  // four faces
  for (bool fail : {false, true}) {
    auto embedder = std::make_unique<FakeEmbedder>(fail);
    FakeEmbedder* fake = embedder.get();
    LocalFaceEngine engine(
        std::make_unique<dlib::HogFaceDetector>(dlib::HogFaceDetector::create({}).value()),
        std::make_unique<dlib::ShapePredictorLandmarker>(shared), std::move(embedder), {});
    Result<FaceAnalysis> analysis = engine.analyze(photo);
    EXPECT_EQ(fake->calls, 1);
    EXPECT_EQ(fake->chip_sides, std::vector<int>(4, kChipSize));
    ASSERT_EQ(analysis.has_value(), !fail);
    if (fail) {
      EXPECT_EQ(analysis.error().code, Errc::internal);
    }
  }
}

TEST(LandmarkBoxTest, IdentityForHogAndAShiftedSquareOfTheSameAreaForSsd) {
  const Box box{100, 200, 80, 125};
  const Box same = landmark_box(box, {});
  EXPECT_EQ(same.x, box.x);
  EXPECT_EQ(same.height, box.height);

  const Box fitted = landmark_box(box, kSsdLandmarkBoxFit);
  EXPECT_FLOAT_EQ(fitted.width, 100.0f);  // sqrt(80 * 125)
  EXPECT_FLOAT_EQ(fitted.height, 100.0f);
  EXPECT_FLOAT_EQ(fitted.x + fitted.width / 2, 140.0f);                  // same centre x
  EXPECT_FLOAT_EQ(fitted.y + fitted.height / 2, 262.5f + 0.064f * 125);  // lower by 6.4 %
}

TEST(FaceModelsTest, DetectorNames) {
  EXPECT_EQ(parse_detector("ssd"), Detector::ssd);
  EXPECT_EQ(parse_detector("hog"), Detector::hog);
  EXPECT_EQ(parse_detector("SSD"), std::nullopt);
  EXPECT_EQ(parse_detector(""), std::nullopt);
  EXPECT_EQ(to_string(Detector::hog), "hog");
  EXPECT_EQ(default_quality(Detector::ssd).min_score, kMinSsdScore);
  EXPECT_EQ(default_quality(Detector::hog).min_score, kMinHogScore);
}

// sample2 has three faces; HOG finds only the frontal one (a profile and a bowed head it misses),
// SSD all three. Both engines come from the same kind of options, the detector field aside.
TEST(FaceModelsTest, HogStaysSelectableAndSsdIsTheDefault) {
  const image::RgbImage photo = testing::load_sample(2);
  EXPECT_EQ(FaceModelOptions{}.detector, Detector::ssd);
  for (const Detector detector : {Detector::ssd, Detector::hog}) {
    FaceModelOptions options = testing::default_model_options();
    options.detector = detector;
    Result<FaceModels> models = FaceModels::load(options);
    ASSERT_TRUE(models) << models.error().message;
    Result<std::unique_ptr<FaceEngine>> engine = models->make_engine();
    ASSERT_TRUE(engine) << engine.error().message;
    Result<FaceAnalysis> analysis = (*engine)->analyze(photo);
    ASSERT_TRUE(analysis) << analysis.error().message;
    EXPECT_EQ(analysis->faces.size(), detector == Detector::ssd ? 3u : 1u) << to_string(detector);
  }
}

// The default embedder is our GEMM forward pass; OpenCV's stays selectable and, photo in, gives
// the same faces with descriptors within 1e-4 of it (face/model/gemm_face_embedder_test.cpp
// compares the embedders chip by chip).
TEST(FaceModelsTest, GemmEmbedderIsTheDefaultAndAgreesWithOpenCv) {
  EXPECT_EQ(FaceModelOptions{}.embedder, EmbedderKind::gemm);
  const image::RgbImage photo = testing::load_sample(1);
  std::vector<FaceAnalysis> analyses;
  for (const EmbedderKind kind : {EmbedderKind::gemm, EmbedderKind::opencv}) {
    FaceModelOptions options = testing::default_model_options();
    options.embedder = kind;
    Result<FaceModels> models = FaceModels::load(options);
    ASSERT_TRUE(models) << models.error().message;
    Result<std::unique_ptr<FaceEngine>> engine = models->make_engine();
    ASSERT_TRUE(engine) << engine.error().message;
    Result<FaceAnalysis> analysis = (*engine)->analyze(photo);
    ASSERT_TRUE(analysis) << analysis.error().message;
    analyses.push_back(std::move(*analysis));
  }
  ASSERT_EQ(analyses[0].faces.size(), analyses[1].faces.size());
  ASSERT_FALSE(analyses[0].faces.empty());
  for (std::size_t i = 0; i < analyses[0].faces.size(); ++i) {
    const Embedding& gemm = analyses[0].faces[i].embedding;
    const Embedding& opencv = analyses[1].faces[i].embedding;
    for (std::size_t k = 0; k < gemm.size(); ++k) EXPECT_NEAR(gemm[k], opencv[k], 1e-4f) << i;
  }
}

TEST(FaceModelsTest, SsdPolicyOutOfRangeIsRefusedAtLoad) {
  FaceModelOptions options = testing::default_model_options();
  options.ssd.tiles_per_long_side = 1;
  Result<FaceModels> models = FaceModels::load(options);
  ASSERT_FALSE(models);
  EXPECT_NE(models.error().message.find("tiles_per_long_side"), std::string::npos);
}

TEST(FaceModelsTest, MissingPackageNamesTheFetchScript) {
  FaceModelOptions options = testing::default_model_options();
  options.package_dir = "/nonexistent/face-api";
  Result<FaceModels> models = FaceModels::load(options);
  ASSERT_FALSE(models);
  EXPECT_NE(models.error().message.find("tools/fetch_models.sh"), std::string::npos)
      << models.error().message;
}

// The default path reads no file with a non-commercial licence: dlib's model is not even opened.
TEST(FaceModelsTest, DefaultLandmarksAreTheNetAndNeedNoDlibModel) {
  EXPECT_EQ(FaceModelOptions{}.landmarks, Landmarks::net68);
  FaceModelOptions options = testing::default_model_options();
  options.landmark_model = "/nonexistent/shape_predictor.dat";
  Result<FaceModels> models = FaceModels::load(options);
  ASSERT_TRUE(models) << models.error().message;
  Result<std::unique_ptr<FaceEngine>> engine = models->make_engine();
  ASSERT_TRUE(engine) << engine.error().message;
  Result<FaceAnalysis> analysis = (*engine)->analyze(testing::load_sample(1));
  ASSERT_TRUE(analysis) << analysis.error().message;
  EXPECT_EQ(analysis->faces.size(), 3u);
}

TEST(FaceModelsTest, LandmarkNames) {
  EXPECT_EQ(parse_landmarks("net68"), Landmarks::net68);
  EXPECT_EQ(parse_landmarks("dlib68"), Landmarks::dlib68);
  EXPECT_EQ(parse_landmarks("dlib"), std::nullopt);
  EXPECT_EQ(to_string(Landmarks::dlib68), "dlib68");
}

// The same face through every alignment: the chips differ a little, the descriptors are the same
// person's (under 0.4 apart), and the mirrored-chip average is between.
TEST(FaceModelsTest, EveryAlignmentDescribesTheSameFace) {
  FaceModelOptions options = testing::default_model_options();
  Result<FaceModels> models = FaceModels::load(options);
  ASSERT_TRUE(models) << models.error().message;
  const image::RgbImage photo = testing::load_sample(3);
  std::vector<Embedding> found;
  for (const Alignment alignment : {Alignment::landmarks68, Alignment::points5}) {
    for (const bool flip : {false, true}) {
      AlignmentOptions choice = default_alignment(Detector::ssd, Landmarks::net68);
      choice.alignment = alignment;
      choice.flip = flip;
      Result<std::unique_ptr<LocalFaceEngine>> engine = models->make_local_engine(choice);
      ASSERT_TRUE(engine) << engine.error().message;
      Result<FaceAnalysis> analysis = (*engine)->analyze(photo);
      ASSERT_TRUE(analysis) << analysis.error().message;
      ASSERT_FALSE(analysis->faces.empty());
      found.push_back(analysis->faces[0].embedding);
    }
  }
  for (std::size_t i = 1; i < found.size(); ++i) {
    EXPECT_LT(distance(found[0], found[i]), 0.4f) << i;
    EXPECT_GT(distance(found[0], found[i]), 0.0f) << i;
  }
}

TEST(FaceModelsTest, MissingLandmarkModelNamesThePackage) {
  FaceModelOptions options = testing::default_model_options();
  options.landmarks = Landmarks::dlib68;
  options.landmark_model = "/nonexistent/shape_predictor.dat";
  Result<FaceModels> models = FaceModels::load(options);
  ASSERT_FALSE(models);
  EXPECT_NE(models.error().message.find("libdlib-data"), std::string::npos);
}

}  // namespace
}  // namespace findme::face::local
