// Robustness of the descriptors: a face against its own transformed copies (mirrored, halved,
// JPEG quality 40, brighter, darker, EXIF-rotated) stays under the match threshold, and
// different people stay over it, copies included.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <vips/vips.h>

#include "accuracy/labelled_faces.h"
#include "core/testing/sample_photos.h"
#include "domain/similarity.h"
#include "face/embedding.h"
#include "image/vips/test_images.h"
#include "image/vips/vips_handles.h"

namespace findme::accuracy {
namespace {

using image::vips::ImagePtr;

// A copy of a photo as bytes the service could receive, and where a box of the original lands
// in the decoded copy.
struct Transform {
  const char* name;
  std::function<std::string(VipsImage*)> make;
  std::function<face::Box(const face::Box&, int width)> map;
};

// Applies `op` (a vips operation writing its output to the given pointer) and encodes the result.
std::string encode_after(int op_status, VipsImage* out, const char* suffix) {
  const ImagePtr owned(out);
  if (op_status != 0) {
    vips_error_clear();
    return {};
  }
  return image::vips::testing::encode(out, suffix);
}

face::Box same_box(const face::Box& b, int /*width*/) { return b; }

// Lossless copies are PNG (fast compression) so that only the named change reaches the decoder.
const std::vector<Transform>& transforms() {
  static const std::vector<Transform> kTransforms = {
      {"mirrored",
       [](VipsImage* in) {
         VipsImage* out = nullptr;
         const int status = vips_flip(in, &out, VIPS_DIRECTION_HORIZONTAL, nullptr);
         return encode_after(status, out, ".png[compression=1]");
       },
       [](const face::Box& b, int width) {
         return face::Box{static_cast<float>(width) - b.x - b.width, b.y, b.width, b.height};
       }},
      {"half size",
       [](VipsImage* in) {
         VipsImage* out = nullptr;
         const int status = vips_resize(in, &out, 0.5, nullptr);
         return encode_after(status, out, ".png[compression=1]");
       },
       [](const face::Box& b, int) {
         return face::Box{b.x / 2, b.y / 2, b.width / 2, b.height / 2};
       }},
      {"jpeg q40", [](VipsImage* in) { return image::vips::testing::encode(in, ".jpg[Q=40]"); },
       same_box},
      {"brightness +30%",
       [](VipsImage* in) {
         VipsImage* out = nullptr;
         const int status = vips_linear1(in, &out, 1.3, 0.0, "uchar", TRUE, nullptr);
         return encode_after(status, out, ".png[compression=1]");
       },
       same_box},
      {"brightness -30%",
       [](VipsImage* in) {
         VipsImage* out = nullptr;
         const int status = vips_linear1(in, &out, 0.7, 0.0, "uchar", TRUE, nullptr);
         return encode_after(status, out, ".png[compression=1]");
       },
       same_box},
      // Pixels stored turned 90 degrees anticlockwise with EXIF orientation 6 ("rotate 90
      // clockwise to display"), as a phone held upright writes them: the decoder turns it back.
      {"exif-rotated (6)",
       [](VipsImage* in) {
         VipsImage* out = nullptr;
         if (vips_rot(in, &out, VIPS_ANGLE_D270, nullptr) != 0) {
           vips_error_clear();
           return std::string();
         }
         const ImagePtr owned(out);
         return image::vips::testing::jpeg_with_orientation(out, 6);
       },
       same_box},
  };
  return kTransforms;
}

float overlap(const face::Box& a, const face::Box& b) {  // intersection over union
  const float w = std::min(a.x + a.width, b.x + b.width) - std::max(a.x, b.x);
  const float h = std::min(a.y + a.height, b.y + b.height) - std::max(a.y, b.y);
  if (w <= 0 || h <= 0) {
    return 0;
  }
  return w * h / (a.width * a.height + b.width * b.height - w * h);
}

// The face of `faces` that sits where `expected` says, if any (IoU >= 0.3).
std::optional<face::Face> face_at(const std::vector<face::Face>& faces, const face::Box& expected) {
  const face::Face* best = nullptr;
  float best_overlap = 0.3f;
  for (const face::Face& f : faces) {
    const float o = overlap(f.box, expected);
    if (o >= best_overlap) {
      best = &f;
      best_overlap = o;
    }
  }
  return best == nullptr ? std::nullopt : std::optional<face::Face>(*best);
}

struct Copy {
  std::string transform;
  std::optional<face::Face> face;  // the original's face found again in the copy
  std::string error;
};

// A photo's face (the largest, or the one at a given place) and the same face found in each
// transformed copy.
struct Subject {
  std::string name;
  std::string person;  // distinct values are different people (labels or checked by eye)
  std::optional<face::Face> original;
  std::vector<Copy> copies;
  std::string error;
};

Subject analyse_subject(std::string name, std::string person, const std::string& path,
                        std::optional<face::Box> at = std::nullopt) {
  Subject s{.name = std::move(name), .person = std::move(person)};
  const Analysed original = analyse_bytes(face::local::testing::read_file(path));
  if (!original.error.empty() || original.faces.empty()) {
    s.error = original.error.empty() ? "no face in the original" : original.error;
    return s;
  }
  s.original = at ? face_at(original.faces, *at) : original.faces.front();
  if (!s.original) {
    s.error = "no face at the expected place in the original";
    return s;
  }
  const image::RgbImage& img = original.image;
  const ImagePtr pixels = image::vips::testing::image_from(
      img.pixels, img.width, img.height, 3, VIPS_FORMAT_UCHAR, VIPS_INTERPRETATION_sRGB);
  for (const Transform& t : transforms()) {
    Copy c{.transform = t.name};
    const std::string bytes = pixels ? t.make(pixels.get()) : std::string();
    const Analysed copy =
        bytes.empty() ? Analysed{.error = "libvips failed"} : analyse_bytes(bytes);
    c.error = copy.error;
    if (copy.error.empty()) {
      c.face = face_at(copy.faces, t.map(s.original->box, img.width));
      if (!c.face) {
        c.error = "the face was not found in the copy";
      }
    }
    s.copies.push_back(std::move(c));
  }
  return s;
}

// One face of each package sample (group photos, 1920 px) and the largest face of six portraits
// of six labelled people. The sample faces were checked by eye to be six different women, none of
// them among the labelled ones (public figures); see docs/accuracy.md. They are pinned by place
// (HOG's largest face of each sample) because the samples show some people twice: SSD's largest
// face of sample1 is the woman of sample3's (0.40 apart).
const std::vector<Subject>& subjects() {
  static const std::vector<Subject> kSubjects = [] {
    constexpr face::Box kSampleFaces[6] = {{366, 366, 226, 226},  {1446, 201, 188, 188},
                                           {1036, 231, 272, 272}, {1238, 201, 189, 189},
                                           {782, 140, 189, 188},  {1162, 366, 225, 226}};
    std::vector<Subject> out;
    for (int n = 1; n <= 6; ++n) {
      const std::string name = "sample" + std::to_string(n);
      out.push_back(
          analyse_subject(name, name, findme::testing::sample_photo_path(n), kSampleFaces[n - 1]));
    }
    for (const char* file :
         {"img1.jpg", "img3.jpg", "img47.jpg", "img13.jpg", "img16.jpg", "img26.jpg"}) {
      out.push_back(analyse_subject(file, identity_of(file), faces_dir() + "/" + file));
    }
    return out;
  }();
  return kSubjects;
}

// The distance under which the service matches two faces: stricter when either is unusable
// (small or blurred), as domain::match_threshold_for says.
float threshold_for(const face::Face& a, const face::Face& b) {
  return domain::match_threshold_for(domain::kDefaultMatchThreshold,
                                     a.quality.usable && b.quality.usable);
}

void print_spread(const std::map<std::string, std::vector<float>>& by_transform) {
  std::printf("distance to the original, per transform: min / median / max (n)\n");
  for (const Transform& t : transforms()) {
    std::vector<float> d =
        by_transform.count(t.name) ? by_transform.at(t.name) : std::vector<float>{};
    if (d.empty()) {
      continue;
    }
    std::sort(d.begin(), d.end());
    std::printf("  %-17s %.3f / %.3f / %.3f (%zu)\n", t.name, static_cast<double>(d.front()),
                static_cast<double>(d[d.size() / 2]), static_cast<double>(d.back()), d.size());
  }
}

// Copies in which the detector no longer finds the face, measured; any other loss fails. SSD
// scores sample4's pinned face (a three-quarter view) 0.70 in the photo and 0.31 once it is 30 %
// brighter (clipped), under its 0.4 minimum; HOG lost no copy, and boxes nothing in sample2's
// profile or sample4's three-quarter view at all (docs/accuracy.md).
bool known_loss(const std::string& subject, const std::string& transform) {
  return subject == "sample4" && transform == "brightness +30%";
}

void expect_copies_under_the_threshold() {
  std::map<std::string, std::vector<float>> by_transform;
  for (const Subject& s : subjects()) {
    EXPECT_EQ(s.error, "") << s.name;
    if (!s.original) {
      continue;
    }
    const face::Box& box = s.original->box;
    std::printf("%s (%s, %.0f px face at %.0f,%.0f):", s.name.c_str(), s.person.c_str(),
                static_cast<double>(box.width), static_cast<double>(box.x),
                static_cast<double>(box.y));
    for (const Copy& c : s.copies) {
      if (!known_loss(s.name, c.transform)) {
        EXPECT_EQ(c.error, "") << s.name << ", " << c.transform;
      }
      if (!c.face) {
        std::printf(" %s lost;", c.transform.c_str());
        continue;
      }
      const float d = face::distance(s.original->embedding, c.face->embedding);
      by_transform[c.transform].push_back(d);
      std::printf(" %.3f%s", static_cast<double>(d), c.face->quality.usable ? "" : "(unusable)");
      EXPECT_LT(d, threshold_for(*s.original, *c.face)) << s.name << ", " << c.transform;
    }
    std::printf("\n");
  }
  print_spread(by_transform);
}

struct Comparison {
  float distance;
  float threshold;
  std::string what;
};

// Every copy of one person against the original of every other person, and the originals
// against each other.
std::vector<Comparison> different_people() {
  std::vector<Comparison> out;
  for (const Subject& a : subjects()) {
    for (const Subject& b : subjects()) {
      if (a.person == b.person || !a.original || !b.original) {
        continue;
      }
      if (a.name < b.name) {
        out.push_back({face::distance(a.original->embedding, b.original->embedding),
                       threshold_for(*a.original, *b.original), a.name + " / " + b.name});
      }
      for (const Copy& c : a.copies) {
        if (c.face) {
          out.push_back({face::distance(c.face->embedding, b.original->embedding),
                         threshold_for(*c.face, *b.original),
                         a.name + " (" + c.transform + ") / " + b.name});
        }
      }
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Comparison& x, const Comparison& y) { return x.distance < y.distance; });
  return out;
}

void expect_different_people_over_the_threshold() {
  const std::vector<Comparison> compared = different_people();
  EXPECT_GT(compared.size(), 100u);  // 12 subjects of 12 people, 7 versions each
  std::printf("%zu comparisons of different people; the nearest:\n", compared.size());
  for (std::size_t i = 0; i < 6 && i < compared.size(); ++i) {
    std::printf("  %.3f %s\n", static_cast<double>(compared[i].distance), compared[i].what.c_str());
  }
  for (const Comparison& c : compared) {
    EXPECT_GE(c.distance, c.threshold) << c.what;
  }
}

// One test, so that ctest's process per test analyses the 84 versions once (~40 s of CPU in a
// release build, several minutes under ASan).
TEST(RobustnessAccuracyTest, CopiesStayUnderAndDifferentPeopleOverTheThreshold) {
  expect_copies_under_the_threshold();
  expect_different_people_over_the_threshold();
}

}  // namespace
}  // namespace findme::accuracy
