// Detection accuracy on photos whose faces were counted by eye: the six package samples (1920 px),
// shared/testdata/faces/selfie-many-people.jpg (600 px) and couple.jpg (decoded at 1920 px, as
// event photos are). Recall of the default detector (SSD) and of HOG, and no box on a non-face.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "accuracy/labelled_faces.h"
#include "core/testing/sample_photos.h"
#include "face/dlib/hog_face_detector.h"
#include "face/local/test_photos.h"
#include "face/model/ssd_face_detector.h"

namespace findme::face {
namespace {

// The clearly visible faces, counted by eye on the photos with a 100 px grid and the detectors'
// boxes drawn over them: 22 in the samples (as FACE-NOTES.md counts), 7 in the selfie, 2 in the
// couple; 31 in all. Boxes are approximate, in the decoded photos' pixels.
struct Photo {
  std::string name;
  std::string path;
  std::vector<Box> faces;
};
const std::vector<Photo>& photos() {
  static const std::vector<Photo> kPhotos = [] {
    const auto sample = [](int n) { return findme::testing::sample_photo_path(n); };
    const std::string dir = accuracy::faces_dir() + "/";
    return std::vector<Photo>{
        {"sample1", sample(1), {{376, 376, 216, 216}, {830, 472, 216, 216}, {1451, 233, 216, 216}}},
        {"sample2",
         sample(2),
         {{350, 160, 170, 250},  // profile, looking right
          {880, 280, 200, 200},  // head bowed low
          {1440, 200, 200, 200}}},
        {"sample3",
         sample(3),
         {{567, 376, 216, 216}, {1025, 251, 259, 259}, {1499, 352, 216, 216}}},
        {"sample4",
         sample(4),
         {{273, 254, 181, 181},  // three-quarter view
          {615, 113, 216, 216},
          {950, 209, 216, 216},
          {1229, 194, 180, 180}}},
        {"sample5",
         sample(5),
         {{376, 926, 216, 216},
          {642, 476, 151, 151},
          {791, 134, 180, 180},
          {1090, 254, 180, 180},
          {1380, 448, 216, 216}}},
        {"sample6",
         sample(6),
         {{257, 543, 216, 216},
          {639, 376, 216, 216},
          {1165, 376, 216, 216},
          {1451, 328, 216, 216}}},
        {"selfie-many-people.jpg",
         dir + "selfie-many-people.jpg",
         {{5, 245, 70, 105},    // top left, behind Angelina
          {88, 295, 118, 145},  //
          {207, 122, 96, 124},
          {355, 129, 129, 155},
          {472, 300, 128, 250},  // close-up, cut by the frame at the right and bottom
          {525, 95, 75, 125},    // glasses, behind a head, cut by the frame at the right
          {0, 390, 60, 200}}},   // bottom left, half of the face cut by the frame
        {"couple.jpg", dir + "couple.jpg", {{267, 470, 520, 600}, {1184, 300, 480, 580}}},
    };
  }();
  return kPhotos;
}

float overlap(const Box& a, const Box& b) {  // intersection over union
  const float w = std::min(a.x + a.width, b.x + b.width) - std::max(a.x, b.x);
  const float h = std::min(a.y + a.height, b.y + b.height) - std::max(a.y, b.y);
  if (w <= 0 || h <= 0) {
    return 0;
  }
  return w * h / (a.width * a.height + b.width * b.height - w * h);
}

constexpr float kSameFace = 0.3f;  // IoU: the by-eye boxes are rough

struct Counts {
  int visible = 0;
  int found = 0;
  int false_positives = 0;
};

// Runs `detector` over every photo; each box must be a counted face, at most once.
Counts count(FaceDetector& detector, const char* name) {
  Counts counts;
  for (const Photo& photo : photos()) {
    Result<image::RgbImage> image =
        local::testing::decode(local::testing::read_file(photo.path), accuracy::kPhotoLongSide);
    EXPECT_TRUE(image) << photo.name;
    if (!image) {
      continue;
    }
    std::vector<bool> matched(photo.faces.size(), false);
    for (const Detection& d : detector.detect(*image)) {
      bool real = false;
      for (std::size_t i = 0; i < photo.faces.size(); ++i) {
        if (overlap(d.box, photo.faces[i]) >= kSameFace) {
          EXPECT_FALSE(matched[i]) << name << " " << photo.name << ": face " << i << " twice";
          matched[i] = true;
          real = true;
        }
      }
      EXPECT_TRUE(real) << name << " " << photo.name << ": false positive at " << d.box.x << ","
                        << d.box.y << " " << d.box.width << " px, score " << d.score;
      counts.false_positives += real ? 0 : 1;
    }
    const auto found = static_cast<int>(std::count(matched.begin(), matched.end(), true));
    std::printf("%s %s: %d of %zu faces\n", name, photo.name.c_str(), found, photo.faces.size());
    counts.visible += static_cast<int>(photo.faces.size());
    counts.found += found;
  }
  std::printf("%s: %d of %d faces, %d false positives\n", name, counts.found, counts.visible,
              counts.false_positives);
  return counts;
}

// Measured with the default SSD policy (whole image, min_confidence 0.4; 0.5 and 0.3 the same): 29
// of 31; it misses the selfie's glasses face behind a head and its half face cut by the frame. The
// target is 90 %.
TEST(DetectionAccuracyTest, SsdFindsNineInTenVisibleFacesAndNothingElse) {
  Result<model::SsdWeights> weights = model::SsdWeights::load(std::string(FINDME_FACE_API_DIR));
  ASSERT_TRUE(weights) << weights.error().message;
  Result<std::unique_ptr<model::SsdFaceDetector>> detector =
      model::SsdFaceDetector::create(*weights, {});
  ASSERT_TRUE(detector) << detector.error().message;
  const Counts counts = count(**detector, "ssd");
  EXPECT_EQ(counts.visible, 31);
  EXPECT_GE(counts.found, 29);
  EXPECT_GE(counts.found * 10, counts.visible * 9);
}

// The six samples shrunk to 640 px wide side by side, three to a row, in one 1920x1024 photo:
// the 22 faces become 50-90 px, as in a group photo taken from afar. Boxes map with the samples.
struct Mosaic {
  image::RgbImage image;
  std::vector<Box> faces;
};
Mosaic small_faces_mosaic() {
  constexpr int kCell = 640;
  constexpr int kRow = 512;
  Mosaic m{image::RgbImage{3 * kCell, 2 * kRow,
                           std::vector<std::uint8_t>(std::size_t{3} * kCell * 2 * kRow * 3, 128)},
           {}};
  for (int n = 1; n <= 6; ++n) {
    Result<image::RgbImage> small = local::testing::decode(
        local::testing::read_file(findme::testing::sample_photo_path(n)), kCell);
    EXPECT_TRUE(small) << n;
    if (!small) {
      continue;
    }
    const int x0 = (n - 1) % 3 * kCell;
    const int y0 = (n - 1) / 3 * kRow;
    const auto width = static_cast<std::size_t>(m.image.width);
    for (int y = 0; y < std::min(small->height, kRow); ++y) {
      std::copy_n(
          &small->pixels[static_cast<std::size_t>(y * small->width) * 3],
          static_cast<std::size_t>(small->width) * 3,
          &m.image
               .pixels[(static_cast<std::size_t>(y0 + y) * width + static_cast<std::size_t>(x0)) *
                       3]);
    }
    const float scale = static_cast<float>(kCell) / 1920.0f;
    for (const Box& b : photos()[static_cast<std::size_t>(n - 1)].faces) {
      m.faces.push_back({static_cast<float>(x0) + b.x * scale, static_cast<float>(y0) + b.y * scale,
                         b.width * scale, b.height * scale});
    }
  }
  return m;
}

int found_in(const std::vector<Detection>& detections, const std::vector<Box>& faces) {
  std::vector<bool> matched(faces.size(), false);
  for (const Detection& d : detections) {
    bool real = false;
    for (std::size_t i = 0; i < faces.size(); ++i) {
      if (overlap(d.box, faces[i]) >= kSameFace) {
        matched[i] = true;
        real = true;
      }
    }
    EXPECT_TRUE(real) << "false positive at " << d.box.x << "," << d.box.y << " " << d.box.width
                      << " px, score " << d.score;
  }
  return static_cast<int>(std::count(matched.begin(), matched.end(), true));
}

// Measured: the whole-image pass finds 15 of the 22 small faces (they are 13-24 px in its 512 px
// input), two tiles per long side (three passes: whole, two 1024 px squares) 19 or 20, three
// (seven passes) 22. HOG at its 1280 px working size finds none (its window is 80 px).
TEST(DetectionAccuracyTest, SsdTilesFindSmallFaces) {
  Result<model::SsdWeights> weights = model::SsdWeights::load(std::string(FINDME_FACE_API_DIR));
  ASSERT_TRUE(weights) << weights.error().message;
  const Mosaic mosaic = small_faces_mosaic();
  ASSERT_EQ(mosaic.faces.size(), 22u);
  int found[2] = {0, 0};
  for (const int tiles : {0, 2}) {
    Result<std::unique_ptr<model::SsdFaceDetector>> detector =
        model::SsdFaceDetector::create(*weights, {.tiles_per_long_side = tiles});
    ASSERT_TRUE(detector) << detector.error().message;
    found[tiles / 2] = found_in((*detector)->detect(mosaic.image), mosaic.faces);
    std::printf("small faces, %d tiles per long side: %d of 22\n", tiles, found[tiles / 2]);
  }
  EXPECT_GE(found[0], 14);
  EXPECT_GE(found[1], 19);
}

// Measured with HOG's default policy (1280 px, no upsampling, score >= 0): 25 of 31, missing the
// profile and the bowed head of sample2, the three-quarter view of sample4 and three of the
// selfie's faces. Kept to show what SSD replaced, and because HOG stays selectable.
TEST(DetectionAccuracyTest, HogFindsFrontalFacesOnly) {
  Result<dlib::HogFaceDetector> detector = dlib::HogFaceDetector::create({});
  ASSERT_TRUE(detector) << detector.error().message;
  const Counts counts = count(*detector, "hog");
  EXPECT_GE(counts.found, 25);
}

}  // namespace
}  // namespace findme::face
