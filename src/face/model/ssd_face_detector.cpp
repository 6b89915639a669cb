#include "face/model/ssd_face_detector.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

namespace findme::face::model {

Result<void> check_ssd_policy(const SsdPolicy& p) {
  const auto bad = [](const std::string& what) {
    return make_error(Errc::internal, "SSD detection policy: " + what);
  };
  if (!(p.min_confidence > 0 && p.min_confidence < 1)) {
    return bad("min_confidence must be between 0 and 1");  // as SsdMobilenetv1Options demands
  }
  if (p.max_results < 1) {
    return bad("max_results must be at least 1");
  }
  if (!(p.max_iou > 0 && p.max_iou <= 1)) {
    return bad("max_iou must be in (0, 1]");
  }
  if (p.tiles_per_long_side < 0 || p.tiles_per_long_side == 1 || p.tiles_per_long_side > 8) {
    return bad("tiles_per_long_side must be 0 or 2..8");
  }
  if (!(p.tile_overlap >= 0 && p.tile_overlap <= 0.5f)) {  // more only multiplies the passes
    return bad("tile_overlap must be in [0, 0.5]");
  }
  return {};
}

namespace {

constexpr int kSsdSide = SsdWeights::kInputSize;

// Evenly spread starts of `count` windows of `window` over `length`, the first at 0 and the
// last flush with the end.
std::vector<int> starts(int length, int window, float overlap) {
  if (length <= window) {
    return {0};
  }
  const double step = window * (1.0 - static_cast<double>(overlap));
  const int count = static_cast<int>(std::ceil((length - window) / step)) + 1;
  std::vector<int> out;
  out.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    out.push_back(
        static_cast<int>(std::lround(static_cast<double>(i) * (length - window) / (count - 1))));
  }
  return out;
}

// A tile's box that touches one of the tile's edges inside the image is a face cut by the tile;
// the overlap puts that face whole into a neighbour tile or the whole-image pass, so it is
// dropped rather than merged (a cut box overlaps the whole one too little for NMS).
bool cut_by_tile(const Box& b, const PixelRegion& tile, const image::RgbImage& image) {
  const float margin =
      static_cast<float>(std::max(tile.width, tile.height)) / kSsdSide;  // 1 net px
  const bool left = tile.x > 0 && b.x <= static_cast<float>(tile.x) + margin;
  const bool top = tile.y > 0 && b.y <= static_cast<float>(tile.y) + margin;
  const bool right = tile.x + tile.width < image.width &&
                     b.x + b.width >= static_cast<float>(tile.x + tile.width) - margin;
  const bool bottom = tile.y + tile.height < image.height &&
                      b.y + b.height >= static_cast<float>(tile.y + tile.height) - margin;
  return left || top || right || bottom;
}

// Boxes of all passes, best first; a box is dropped when it overlaps a kept one by IoU above
// max_iou, or lies mostly (kContained of its area) inside it or around it: a tile sees a face
// larger than the whole-image pass does and then also boxes parts of it (a chin, the lower half
// of a face; measured on the samples), which IoU alone lets through.
std::vector<Detection> merge_passes(std::vector<Detection> all, const SsdPolicy& policy) {
  constexpr float kContained = 0.6f;
  std::stable_sort(all.begin(), all.end(),
                   [](const Detection& a, const Detection& b) { return a.score > b.score; });
  std::vector<Detection> kept;
  for (const Detection& d : all) {
    if (kept.size() >= static_cast<std::size_t>(policy.max_results)) {
      break;
    }
    const bool duplicate = std::any_of(kept.begin(), kept.end(), [&](const Detection& k) {
      const float common = intersection(d.box, k.box);
      const float smaller = std::min(area(d.box), area(k.box));
      return common / (area(d.box) + area(k.box) - common) > policy.max_iou ||
             common > kContained * smaller;
    });
    if (!duplicate) {
      kept.push_back(d);
    }
  }
  return kept;
}

}  // namespace

std::vector<PixelRegion> ssd_tiles(int width, int height, const SsdPolicy& policy) {
  const int long_side = std::max(width, height);
  const int short_side = std::min(width, height);
  if (policy.tiles_per_long_side < 2 || long_side < policy.tile_min_long_side) {
    return {};
  }
  const double overlap = policy.tile_overlap;
  int side = std::min(short_side,
                      static_cast<int>(std::lround(static_cast<double>(long_side) /
                                                   policy.tiles_per_long_side * (1.0 + overlap))));
  // A second row (or column) of tiles that would overlap the first by more than `overlap` costs
  // a whole pass for few new pixels: tiles as high as the photo then (for 1920x1280 and 2 tiles
  // per long side: two 1280 px squares rather than four 1200 px ones, one pass less each).
  if (side >= static_cast<double>(short_side) * (1.0 - overlap)) {
    side = short_side;
  }
  std::vector<PixelRegion> tiles;
  for (const int y : starts(height, side, policy.tile_overlap)) {
    for (const int x : starts(width, side, policy.tile_overlap)) {
      tiles.push_back({x, y, std::min(side, width - x), std::min(side, height - y)});
    }
  }
  return tiles;
}

Result<std::unique_ptr<SsdFaceDetector>> SsdFaceDetector::create(const SsdWeights& weights,
                                                                 const SsdPolicy& policy) {
  if (Result<void> ok = check_ssd_policy(policy); !ok) {
    return ok.error();
  }
  if (policy.forward == SsdPolicy::Forward::opencv) {
    Result<SsdNet> net = SsdNet::create(weights);
    if (!net) {
      return net.error();
    }
    return std::unique_ptr<SsdFaceDetector>(new SsdFaceDetector(std::move(*net), policy));
  }
  Result<GemmSsdNet> net = GemmSsdNet::create(weights);
  if (!net) {
    return net.error();
  }
  return std::unique_ptr<SsdFaceDetector>(new SsdFaceDetector(std::move(*net), policy));
}

Result<std::vector<SsdBox>> SsdFaceDetector::run_net(const cv::Mat& input) {
  return std::visit([&](auto& net) { return net.run(input); }, net_);
}

Result<std::vector<SsdBox>> SsdFaceDetector::detect_in_input_square(const image::RgbImage& image) {
  Result<std::vector<SsdBox>> boxes =
      run_net(make_ssd_input(image, {0, 0, image.width, image.height}, kSsdSide));
  if (!boxes) {
    return boxes.error();
  }
  std::vector<SsdBox> kept;
  for (const std::size_t i : non_max_suppression(*boxes, policy_.max_iou, policy_.min_confidence,
                                                 static_cast<std::size_t>(policy_.max_results))) {
    SsdBox b = (*boxes)[i];
    b.ymin *= kSsdSide;
    b.xmin *= kSsdSide;
    b.ymax *= kSsdSide;
    b.xmax *= kSsdSide;
    kept.push_back(b);
  }
  return kept;
}

Result<std::vector<Detection>> SsdFaceDetector::detect_region(const image::RgbImage& image,
                                                              const PixelRegion& region) {
  Result<std::vector<SsdBox>> boxes = run_net(make_ssd_input(image, region, kSsdSide));
  if (!boxes) {
    return boxes.error();
  }
  // Units of the padded square -> image pixels, clipped to the region (face-api clips to the
  // square; the padding holds no face).
  const auto square = static_cast<float>(std::max(region.width, region.height));
  const auto clip = [](float v, int from, int length) {
    return std::clamp(v, static_cast<float>(from), static_cast<float>(from + length));
  };
  std::vector<Detection> found;
  for (const std::size_t i : non_max_suppression(*boxes, policy_.max_iou, policy_.min_confidence,
                                                 static_cast<std::size_t>(policy_.max_results))) {
    const SsdBox& b = (*boxes)[i];
    const float left = clip(static_cast<float>(region.x) + b.xmin * square, region.x, region.width);
    const float top = clip(static_cast<float>(region.y) + b.ymin * square, region.y, region.height);
    const float right =
        clip(static_cast<float>(region.x) + b.xmax * square, region.x, region.width);
    const float bottom =
        clip(static_cast<float>(region.y) + b.ymax * square, region.y, region.height);
    if (right > left && bottom > top) {
      found.push_back({Box{left, top, right - left, bottom - top}, b.score});
    }
  }
  return found;
}

std::vector<Detection> SsdFaceDetector::detect(const image::RgbImage& image) {
  if (image.empty() || image.pixels.size() < image.byte_size()) {
    return {};
  }
  Result<std::vector<Detection>> whole = detect_region(image, {0, 0, image.width, image.height});
  if (!whole) {
    return {};
  }
  const std::vector<PixelRegion> tiles = ssd_tiles(image.width, image.height, policy_);
  if (tiles.empty()) {
    return std::move(*whole);
  }
  std::vector<Detection> all = std::move(*whole);
  for (const PixelRegion& tile : tiles) {
    Result<std::vector<Detection>> part = detect_region(image, tile);
    if (!part) {
      return {};
    }
    for (const Detection& d : *part) {
      if (!cut_by_tile(d.box, tile, image)) {
        all.push_back(d);
      }
    }
  }
  return merge_passes(std::move(all), policy_);
}

}  // namespace findme::face::model
