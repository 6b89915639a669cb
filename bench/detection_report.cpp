// Detection report: runs detector configurations over lfw-dev (is the central face found?), over
// the crop grid (testdata portraits and 300 lfw-dev photos cropped tight to the face at several
// margins and sizes: is the face found exactly once?) and over the counted event photos (false
// boxes), and prints recall, extra boxes and CPU time per configuration, plus the measured mapping
// of BlazeFace's boxes onto the SSD's. Each base pass (SSD whole image, SSD on a 2x grey canvas,
// BlazeFace, HOG) runs once per image; configurations combine the cached passes with
// merge_detection_passes(), exactly as MultiScaleFaceDetector::detect() does, and their time is
// the sum of the passes they would run. One thread (OpenCV single-threaded).
// Run: build/<dir>/bench/findme_detection_report [--lfw-step N] [--grid-step N]
//      [--grid-offset K] [--padded-sample N] [--explain CONFIG] (defaults 1, 1, 0, 10: every
//      photo; ~75 min of one core)
// Figures and the command: docs/detection.md.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "core/testing/sample_photos.h"
#include "face/dlib/hog_face_detector.h"
#include "face/model/blazeface_face_detector.h"
#include "face/model/multi_scale_face_detector.h"
#include "face/model/opencv_face_embedder.h"
#include "face/model/ssd_face_detector.h"
#include "image/vips/vips_image_decoder.h"

namespace findme::face {
namespace {

using model::PassUse;
using Dets = std::vector<Detection>;
std::string testdata() { return FINDME_TESTDATA_DIR; }

// The passes of one image, each with its time; padded and hog are run only when asked.
struct Passes {
  Dets ssd, padded, blaze, hog;  // blaze: BlazeFace's own boxes (fitted when combined)
  bool has_padded = false, has_hog = false;
  double ssd_ms = 0, padded_ms = 0, blaze_ms = 0, hog_ms = 0;
};

struct Runner {
  std::unique_ptr<model::SsdFaceDetector> ssd;
  std::unique_ptr<model::BlazeFaceDetector> blaze;
  dlib::HogFaceDetector hog;
  int padded_sample = 10;  // the padded pass also runs on every n-th image (for "always")
  int count = 0;

  template <class F>
  static double timed(F&& f) {
    // CPU time of this thread: the figure for one core, whatever else the machine runs.
    timespec t0{}, t1{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    f();
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    return static_cast<double>(t1.tv_sec - t0.tv_sec) * 1e3 +
           static_cast<double>(t1.tv_nsec - t0.tv_nsec) / 1e6;
  }

  Passes run(const image::RgbImage& image) {
    Passes p;
    p.ssd_ms = timed([&] { p.ssd = ssd->detect(image); });
    p.blaze_ms = timed([&] { p.blaze = blaze->detect(image); });
    if (p.ssd.empty() || count % padded_sample == 0) {
      p.has_padded = true;
      p.padded_ms = timed([&] {
        const model::Canvas canvas = model::make_padded_canvas(image, 2.0f);
        p.padded = model::from_canvas(ssd->detect(canvas.image), canvas, image.width, image.height);
      });
    }
    if (p.ssd.empty()) {
      p.has_hog = true;
      p.hog_ms = timed([&] { p.hog = hog.detect(image); });
    }
    ++count;
    return p;
  }
};

// A configuration: the passes of MultiScaleFaceDetector (policy), or SSD + HOG when empty.
struct Config {
  std::string name;
  model::MultiScalePolicy policy;
  bool hog_when_empty = false;
  bool ssd = true;  // false: BlazeFace alone
};

// The detections and time of `c` on cached passes; false when a pass it needs was not run.
bool combine(const Config& c, const Passes& p, const model::BlazeBoxFit& fit, Dets& out,
             double& ms) {
  Dets blaze = p.blaze;
  for (Detection& d : blaze) {
    d.box = model::fit_blazeface_box(d.box, fit);
  }
  std::vector<Dets> passes;
  ms = 0;
  bool found = false;
  const auto add = [&](const Dets& d, double t) {
    passes.push_back(d);
    ms += t;
    found = found || !d.empty();
  };
  const auto when = [&](PassUse u) {
    return u == PassUse::always || (u == PassUse::when_empty && !found);
  };
  if (!c.ssd) {
    add(blaze, p.blaze_ms);
  } else if (c.policy.blazeface_first) {
    add(blaze, p.blaze_ms);
    if (!found) {
      add(p.ssd, p.ssd_ms);
    }
  } else {
    add(p.ssd, p.ssd_ms);
  }
  if (c.ssd && when(c.policy.padded)) {
    if (!p.has_padded) {
      return false;
    }
    add(p.padded, p.padded_ms);
  }
  if (c.ssd && !c.policy.blazeface_first && when(c.policy.blazeface)) {
    add(blaze, p.blaze_ms);
  }
  if (c.hog_when_empty && !found) {
    add(p.hog, p.hog_ms);
  }
  out = model::merge_detection_passes(passes, c.policy.merge_iou, c.policy.merge_contained);
  return true;
}

std::vector<Config> configs() {
  const auto policy = [](bool first, PassUse padded, PassUse blaze) {
    model::MultiScalePolicy p;
    p.blazeface_first = first;
    p.padded = padded;
    p.blazeface = blaze;
    return p;
  };
  const PassUse n = PassUse::never, e = PassUse::when_empty, a = PassUse::always;
  return {
      {"ssd (today)", policy(false, n, n)},
      {"ssd + padded when empty", policy(false, e, n)},
      {"ssd + padded always", policy(false, a, n)},
      {"blazeface alone", policy(false, n, a), false, false},
      {"ssd + blazeface when empty", policy(false, n, e)},
      {"ssd + blazeface always", policy(false, n, a)},
      {"ssd + padded when empty + blazeface", policy(false, e, a)},
      {"blazeface first, ssd when empty", policy(true, n, a)},
      {"ssd + hog when empty", policy(false, n, n), true},
  };
}

float iou(const Box& a, const Box& b) {
  const float w = std::min(a.x + a.width, b.x + b.width) - std::max(a.x, b.x);
  const float h = std::min(a.y + a.height, b.y + b.height) - std::max(a.y, b.y);
  return w > 0 && h > 0 ? w * h / (a.width * a.height + b.width * b.height - w * h) : 0.0f;
}

bool contains(const Box& b, float x, float y) {
  return x >= b.x && x <= b.x + b.width && y >= b.y && y <= b.y + b.height;
}

image::RgbImage decode_file(const std::filesystem::path& path, int long_side) {
  static const image::vips::VipsImageDecoder decoder;
  std::ifstream in(path, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  Result<image::DecodedImage> d = decoder.decode(
      std::as_bytes(std::span(bytes.data(), bytes.size())), {.max_long_side = long_side});
  return d ? std::move(d->image) : image::RgbImage{};
}

double median(std::vector<double> v) {
  if (v.empty()) {
    return 0;
  }
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

std::vector<std::filesystem::path> lfw_files() {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(testdata() + "/lfw-dev")) {
    if (e.path().extension() == ".jpg") {
      files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

Dets central(const Dets& d, const image::RgbImage& image) {
  Dets out;
  for (const Detection& x : d) {
    if (contains(x.box, static_cast<float>(image.width) / 2,
                 static_cast<float>(image.height) / 2)) {
      out.push_back(x);
    }
  }
  return out;
}

// Part (a): lfw-dev. Caches the passes (the fit is measured from them) and scores every config.
struct LfwResult {
  std::vector<Passes> passes;
  std::vector<image::RgbImage> images;  // only the first few, for timing checks
};

model::BlazeBoxFit measure_fit(const std::vector<Passes>& all, int width, int height) {
  std::vector<double> w, h, dx, dy, iou_raw;
  const image::RgbImage frame{width, height, {}};
  for (const Passes& p : all) {
    const Dets s = central(p.ssd, frame);
    const Dets b = central(p.blaze, frame);
    if (s.size() != 1 || b.size() != 1) {
      continue;
    }
    const double side = std::sqrt(b[0].box.width * b[0].box.height);
    w.push_back(s[0].box.width / side);
    h.push_back(s[0].box.height / side);
    dx.push_back((s[0].box.x + s[0].box.width / 2 - b[0].box.x - b[0].box.width / 2) / side);
    dy.push_back((s[0].box.y + s[0].box.height / 2 - b[0].box.y - b[0].box.height / 2) / side);
    iou_raw.push_back(iou(s[0].box, b[0].box));
  }
  const model::BlazeBoxFit fit{static_cast<float>(median(w)), static_cast<float>(median(h)),
                               static_cast<float>(median(dx)), static_cast<float>(median(dy))};
  std::vector<double> iou_fit;
  for (const Passes& p : all) {
    const Dets s = central(p.ssd, frame);
    const Dets b = central(p.blaze, frame);
    if (s.size() == 1 && b.size() == 1) {
      iou_fit.push_back(iou(s[0].box, model::fit_blazeface_box(b[0].box, fit)));
    }
  }
  std::printf(
      "\nBlazeFace box -> SSD box, on %zu lfw-dev faces both find (medians, in BlazeFace box "
      "sides): width x%.3f, height x%.3f, centre shift x %+.3f, y %+.3f; IoU with the SSD box "
      "%.3f raw, %.3f fitted\n",
      w.size(), fit.width, fit.height, fit.shift_x, fit.shift_y, median(iou_raw), median(iou_fit));
  return fit;
}

void report_lfw(const std::vector<Passes>& all, const model::BlazeBoxFit& fit, int width,
                int height) {
  const image::RgbImage frame{width, height, {}};
  std::printf("\n(a) lfw-dev, central face (a box containing the image centre)\n");
  std::printf("%-38s %8s %14s %10s %12s %8s\n", "configuration", "counted", "found", "missed",
              "several", "ms/img");
  for (const Config& c : configs()) {
    int counted = 0, found = 0, several = 0;
    double total_ms = 0;
    for (const Passes& p : all) {
      Dets d;
      double ms = 0;
      if (!combine(c, p, fit, d, ms)) {
        continue;
      }
      ++counted;
      total_ms += ms;
      const std::size_t n = central(d, frame).size();
      found += n >= 1 ? 1 : 0;
      several += n >= 2 ? 1 : 0;
    }
    std::printf("%-38s %8d %6d %6.2f%% %10d %12d %8.1f\n", c.name.c_str(), counted, found,
                100.0 * found / std::max(counted, 1), counted - found, several,
                total_ms / std::max(counted, 1));
  }
}

// Part (b): the crop grid.
constexpr std::array<float, 5> kMargins{0.0f, 0.05f, 0.10f, 0.20f, 0.40f};
constexpr std::array<int, 4> kSizes{64, 150, 400, 1500};

struct Crop {
  image::RgbImage image;
  Box face;
};

Crop crop(const image::RgbImage& image, const Box& face, float margin, int size) {
  const int x0 = std::max(0, static_cast<int>(std::floor(face.x - margin * face.width)));
  const int y0 = std::max(0, static_cast<int>(std::floor(face.y - margin * face.height)));
  const int x1 =
      std::min(image.width, static_cast<int>(std::ceil(face.x + face.width * (1 + margin))));
  const int y1 =
      std::min(image.height, static_cast<int>(std::ceil(face.y + face.height * (1 + margin))));
  const cv::Mat src(image.height, image.width, CV_8UC3,
                    const_cast<std::uint8_t*>(image.pixels.data()));
  const cv::Mat region = src(cv::Rect(x0, y0, x1 - x0, y1 - y0));
  const double scale = static_cast<double>(size) / std::max(x1 - x0, y1 - y0);
  const int w = std::max(1, static_cast<int>(std::lround((x1 - x0) * scale)));
  const int h = std::max(1, static_cast<int>(std::lround((y1 - y0) * scale)));
  Crop c{image::RgbImage{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w * h * 3))}, {}};
  cv::Mat dst(h, w, CV_8UC3, c.image.pixels.data());
  cv::resize(region, dst, dst.size(), 0, 0, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  const auto sx = static_cast<float>(w) / static_cast<float>(x1 - x0);
  const auto sy = static_cast<float>(h) / static_cast<float>(y1 - y0);
  c.face = {(face.x - static_cast<float>(x0)) * sx, (face.y - static_cast<float>(y0)) * sy,
            face.width * sx, face.height * sy};
  return c;
}

// The face box of a source photo: the SSD's box (central one for LFW, largest for portraits),
// else BlazeFace's fitted box, else HOG's. False when none finds it.
bool face_box(const Passes& p, const image::RgbImage& image, bool lfw,
              const model::BlazeBoxFit& fit, Box& out) {
  Dets blaze = p.blaze;
  for (Detection& d : blaze) {
    d.box = model::fit_blazeface_box(d.box, fit);
  }
  for (const Dets* candidates : std::array<const Dets*, 3>{&p.ssd, &blaze, &p.hog}) {
    const Dets pool = lfw ? central(*candidates, image) : *candidates;
    if (!pool.empty()) {
      out = std::max_element(pool.begin(), pool.end(), [](const Detection& a, const Detection& b) {
              return a.box.width * a.box.height < b.box.width * b.box.height;
            })->box;
      return true;
    }
  }
  return false;
}

struct GridCell {
  int counted = 0, once = 0;
  double ms = 0;
};

void report_grid(Runner& runner, const std::vector<std::filesystem::path>& lfw,
                 const model::BlazeBoxFit& fit, int grid_step, int grid_offset, int explain) {
  std::vector<std::pair<std::filesystem::path, bool>> sources;
  const nlohmann::json manifest =
      nlohmann::json::parse(std::ifstream(testdata() + "/faces/manifest.json"));
  for (const nlohmann::json& img : manifest.at("images")) {
    if (img.at("kind") == "portrait") {
      sources.emplace_back(testdata() + "/faces/" + img.at("file").get<std::string>(), false);
    }
  }
  const std::size_t portraits = sources.size();
  for (std::size_t i = 0; i < lfw.size() && sources.size() < portraits + 300; i += 23) {
    sources.emplace_back(lfw[i], true);  // every 23rd lfw-dev photo in sorted order: 300
  }
  const std::vector<Config> all = configs();
  std::vector<std::map<std::pair<int, int>, GridCell>> cells(all.size());
  int skipped = 0;
  for (auto i = static_cast<std::size_t>(grid_offset); i < sources.size();
       i += static_cast<std::size_t>(grid_step)) {
    const auto& [path, is_lfw] = sources[i];
    const image::RgbImage image = decode_file(path, 1920);
    const Passes whole = runner.run(image);
    Box face;
    if (image.empty() || !face_box(whole, image, is_lfw, fit, face)) {
      ++skipped;
      continue;
    }
    for (std::size_t m = 0; m < kMargins.size(); ++m) {
      for (std::size_t s = 0; s < kSizes.size(); ++s) {
        const Crop c = crop(image, face, kMargins[m], kSizes[s]);
        const Passes p = runner.run(c.image);
        for (std::size_t k = 0; k < all.size(); ++k) {
          Dets d;
          double ms = 0;
          if (!combine(all[k], p, fit, d, ms)) {
            continue;
          }
          GridCell& cell = cells[k][{static_cast<int>(m), static_cast<int>(s)}];
          ++cell.counted;
          cell.ms += ms;
          const bool once = d.size() == 1 && iou(d[0].box, c.face) >= 0.3f;
          cell.once += once ? 1 : 0;
          if (!once && static_cast<int>(k) == explain) {
            std::fprintf(stderr, "%s: %s margin %.2f size %d, face %.0f,%.0f %.0fx%.0f:",
                         all[k].name.c_str(), path.filename().c_str(),
                         static_cast<double>(kMargins[m]), kSizes[s], static_cast<double>(c.face.x),
                         static_cast<double>(c.face.y), static_cast<double>(c.face.width),
                         static_cast<double>(c.face.height));
            for (const Detection& x : d) {
              std::fprintf(stderr, " [%.0f,%.0f %.0fx%.0f s%.2f iou %.2f]",
                           static_cast<double>(x.box.x), static_cast<double>(x.box.y),
                           static_cast<double>(x.box.width), static_cast<double>(x.box.height),
                           static_cast<double>(x.score), static_cast<double>(iou(x.box, c.face)));
            }
            std::fprintf(stderr, "\n");
          }
        }
      }
    }
  }
  std::printf(
      "\n(b) crop grid: %zu portraits + %zu lfw-dev photos (every 23rd), every %d-th of them "
      "used, %d without any face box skipped; found exactly once (IoU >= 0.3 with the face, no "
      "other box)\n",
      portraits, sources.size() - portraits, grid_step, skipped);
  for (std::size_t k = 0; k < all.size(); ++k) {
    int counted = 0, once = 0;
    double ms = 0;
    std::printf("%s\n  margin \\ size", all[k].name.c_str());
    for (const int size : kSizes) {
      std::printf(" %10d px", size);
    }
    for (std::size_t m = 0; m < kMargins.size(); ++m) {
      std::printf("\n  %5.0f %%      ", 100 * kMargins[m]);
      for (std::size_t s = 0; s < kSizes.size(); ++s) {
        const GridCell& cell = cells[k][{static_cast<int>(m), static_cast<int>(s)}];
        std::printf(" %6d/%-6d", cell.once, cell.counted);
        counted += cell.counted;
        once += cell.once;
        ms += cell.ms;
      }
    }
    std::printf("\n  all: %d of %d (%.2f %%), %.1f ms per crop\n", once, counted,
                100.0 * once / std::max(counted, 1), ms / std::max(counted, 1));
  }
}

// Part (c): the photos whose faces were counted by eye, with tests/accuracy/detection_test.cpp's
// boxes (a copy: that test asserts the default detector on them): 31 faces, decoded at 1920 px.
struct Counted {
  std::string path;
  std::vector<Box> faces;
};
std::vector<Counted> counted_photos() {
  const auto sample = [](int n) { return findme::testing::sample_photo_path(n); };
  const std::string dir = testdata() + "/faces/";
  return {
      {sample(1), {{376, 376, 216, 216}, {830, 472, 216, 216}, {1451, 233, 216, 216}}},
      {sample(2), {{350, 160, 170, 250}, {880, 280, 200, 200}, {1440, 200, 200, 200}}},
      {sample(3), {{567, 376, 216, 216}, {1025, 251, 259, 259}, {1499, 352, 216, 216}}},
      {sample(4),
       {{273, 254, 181, 181}, {615, 113, 216, 216}, {950, 209, 216, 216}, {1229, 194, 180, 180}}},
      {sample(5),
       {{376, 926, 216, 216},
        {642, 476, 151, 151},
        {791, 134, 180, 180},
        {1090, 254, 180, 180},
        {1380, 448, 216, 216}}},
      {sample(6),
       {{257, 543, 216, 216}, {639, 376, 216, 216}, {1165, 376, 216, 216}, {1451, 328, 216, 216}}},
      {dir + "selfie-many-people.jpg",
       {{5, 245, 70, 105},
        {88, 295, 118, 145},
        {207, 122, 96, 124},
        {355, 129, 129, 155},
        {472, 300, 128, 250},
        {525, 95, 75, 125},
        {0, 390, 60, 200}}},
      {dir + "couple.jpg", {{267, 470, 520, 600}, {1184, 300, 480, 580}}},
  };
}

void report_events(Runner& runner, const model::BlazeBoxFit& fit) {
  const std::vector<Counted> photos = counted_photos();
  std::vector<Passes> passes;
  std::vector<image::RgbImage> images;
  const int saved = runner.padded_sample;
  runner.padded_sample = 1;  // every configuration on every photo
  for (const Counted& c : photos) {
    images.push_back(decode_file(c.path, 1920));
    passes.push_back(runner.run(images.back()));
  }
  runner.padded_sample = saved;
  std::printf(
      "\n(c) counted photos (6 samples, selfie-many-people, couple; 31 faces), and time "
      "per 1920 px sample photo\n");
  std::printf("%-38s %8s %12s %12s\n", "configuration", "found", "false boxes", "ms/sample");
  for (const Config& c : configs()) {
    int found = 0, false_boxes = 0;
    double sample_ms = 0;
    for (std::size_t i = 0; i < photos.size(); ++i) {
      Dets d;
      double ms = 0;
      combine(c, passes[i], fit, d, ms);
      if (i < 6) {
        sample_ms += ms / 6;
      }
      std::vector<bool> matched(photos[i].faces.size(), false);
      for (const Detection& x : d) {
        bool real = false;
        for (std::size_t f = 0; f < photos[i].faces.size(); ++f) {
          if (iou(x.box, photos[i].faces[f]) >= 0.3f) {
            real = true;
            matched[f] = true;
          }
        }
        false_boxes += real ? 0 : 1;
      }
      found += static_cast<int>(std::count(matched.begin(), matched.end(), true));
    }
    std::printf("%-38s %5d/31 %12d %12.1f\n", c.name.c_str(), found, false_boxes, sample_ms);
  }
}

int report_main(int argc, char** argv) {
  int lfw_step = 1;
  int padded_sample = 10;
  int grid_step = 1;
  int grid_offset = 0;  // first source of the grid used (with --grid-step: disjoint subsets)
  int explain = -1;     // index of a configuration whose grid failures go to stderr
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--lfw-step") == 0) {
      lfw_step = std::max(1, std::atoi(argv[i + 1]));
    } else if (std::strcmp(argv[i], "--grid-offset") == 0) {
      grid_offset = std::max(0, std::atoi(argv[i + 1]));
    } else if (std::strcmp(argv[i], "--explain") == 0) {
      explain = std::atoi(argv[i + 1]);
    } else if (std::strcmp(argv[i], "--grid-step") == 0) {
      grid_step = std::max(1, std::atoi(argv[i + 1]));
    } else if (std::strcmp(argv[i], "--padded-sample") == 0) {
      padded_sample = std::max(1, std::atoi(argv[i + 1]));
    }
  }
  model::use_single_threaded_opencv();
  Result<model::SsdWeights> ssd_weights = model::SsdWeights::load(std::string(FINDME_FACE_API_DIR));
  Result<model::BlazeFaceWeights> blaze_weights =
      model::BlazeFaceWeights::load(std::string(FINDME_HUMAN_MODELS_DIR));
  if (!ssd_weights || !blaze_weights) {
    std::fprintf(stderr, "models missing: run tools/fetch_models.sh\n");
    return 1;
  }
  Runner runner{model::SsdFaceDetector::create(*ssd_weights, {}).value(),
                model::BlazeFaceDetector::create(*blaze_weights, {}).value(),
                dlib::HogFaceDetector::create({}).value(), padded_sample};
  const std::vector<std::filesystem::path> lfw = lfw_files();
  std::printf(
      "detection report: lfw-dev %zu photos, every %d used; padded pass on every image "
      "whose SSD pass is empty and on every %d-th image; HOG when the SSD pass is empty\n",
      lfw.size(), lfw_step, padded_sample);
  std::vector<Passes> lfw_passes;
  const int width = 250, height = 250;
  for (std::size_t i = 0; i < lfw.size(); i += static_cast<std::size_t>(lfw_step)) {
    const image::RgbImage image = decode_file(lfw[i], 0);
    if (image.width != 250 || image.height != 250) {
      std::fprintf(stderr, "%s: not 250x250\n", lfw[i].c_str());
      return 1;
    }
    lfw_passes.push_back(runner.run(image));
    if (lfw_passes.size() % 1000 == 0) {  // interim figures, in case a long run is cut short
      std::printf("\n--- interim, %zu lfw-dev photos ---", lfw_passes.size());
      report_lfw(lfw_passes, measure_fit(lfw_passes, width, height), width, height);
      std::fflush(stdout);
    }
  }
  const model::BlazeBoxFit fit = measure_fit(lfw_passes, width, height);
  report_lfw(lfw_passes, fit, width, height);
  report_events(runner, fit);
  std::fflush(stdout);
  report_grid(runner, lfw, fit, grid_step, grid_offset, explain);
  return 0;
}

}  // namespace
}  // namespace findme::face

int main(int argc, char** argv) { return findme::face::report_main(argc, argv); }
