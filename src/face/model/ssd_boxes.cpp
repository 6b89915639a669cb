#include "face/model/ssd_boxes.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace findme::face::model {
namespace {

// One axis of TF.js' resizeBilinear without half-pixel centres (tfjs-backend-cpu
// ResizeBilinear.js): the two source indices and the weight of the second.
struct Tap {
  int low = 0;
  int high = 0;
  double frac = 0;
};

std::vector<Tap> taps(int side, int square) {
  std::vector<Tap> out(static_cast<std::size_t>(side));
  const double ratio = static_cast<double>(square) / side;
  for (int i = 0; i < side; ++i) {
    const double source = ratio * i;
    const int low = std::max(0, static_cast<int>(std::floor(source)));
    out[static_cast<std::size_t>(i)] = {
        low, std::min(square - 1, static_cast<int>(std::ceil(source))), source - low};
  }
  return out;
}

}  // namespace

cv::Mat make_ssd_input(const image::RgbImage& image, const PixelRegion& region, int side) {
  const int square = std::max(region.width, region.height);
  const std::vector<Tap> rows = taps(side, square);
  const std::vector<Tap> cols = taps(side, square);
  const std::array<int, 4> dims{1, 3, side, side};
  cv::Mat blob(4, dims.data(), CV_32F);
  const std::size_t plane = static_cast<std::size_t>(side) * static_cast<std::size_t>(side);
  float* out = blob.ptr<float>();
  // The padding is zeros, as face-api's padToSquare() appends them: 0 / 127.5 - 1 once normalised.
  constexpr float kPadding = -1.0f;
  const auto row_of = [&](int y) -> const std::uint8_t* {
    return y < region.height ? &image.pixels[image.offset(region.x, region.y + y)] : nullptr;
  };
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const Tap& ty = rows[r];
    const std::uint8_t* upper = row_of(ty.low);
    const std::uint8_t* lower = row_of(ty.high);
    float* dst = out + r * static_cast<std::size_t>(side);
    if (upper == nullptr) {  // a row of padding only (ty.high >= ty.low)
      for (std::size_t c = 0; c < 3; ++c) std::fill_n(dst + c * plane, side, kPadding);
      continue;
    }
    for (std::size_t k = 0; k < cols.size(); ++k) {
      const Tap& tx = cols[k];
      const bool left_in = tx.low < region.width;
      const bool right_in = tx.high < region.width;
      const auto left = static_cast<std::size_t>(tx.low) * 3;
      const auto right = static_cast<std::size_t>(tx.high) * 3;
      for (std::size_t c = 0; c < 3; ++c) {
        const double top_left = left_in ? upper[left + c] : 0.0;
        const double top_right = right_in ? upper[right + c] : 0.0;
        const double bottom_left = lower != nullptr && left_in ? lower[left + c] : 0.0;
        const double bottom_right = lower != nullptr && right_in ? lower[right + c] : 0.0;
        const double top = top_left + (top_right - top_left) * tx.frac;
        const double bottom = bottom_left + (bottom_right - bottom_left) * tx.frac;
        // Rounded to float at each step, as TF.js stores every op's result in a Float32Array.
        const auto resized = static_cast<float>(top + (bottom - top) * ty.frac);
        const auto divided = static_cast<float>(resized / 127.5);
        dst[c * plane + k] = static_cast<float>(static_cast<double>(divided) - 1.0);
      }
    }
  }
  return blob;
}

SsdBox decode_box(const float* encoding, const float* anchor) {
  const float height = anchor[2] - anchor[0];
  const float width = anchor[3] - anchor[1];
  const float center_y = anchor[0] + height / 2;
  const float center_x = anchor[1] + width / 2;
  const float half_h = std::exp(encoding[2] / 5) * height / 2;
  const float half_w = std::exp(encoding[3] / 5) * width / 2;
  const float y = encoding[0] / 10 * height + center_y;
  const float x = encoding[1] / 10 * width + center_x;
  return SsdBox{y - half_h, x - half_w, y + half_h, x + half_w, 0};
}

float intersection_over_union(const SsdBox& a, const SsdBox& b) {
  const float area_a = (a.ymax - a.ymin) * (a.xmax - a.xmin);
  const float area_b = (b.ymax - b.ymin) * (b.xmax - b.xmin);
  if (area_a <= 0 || area_b <= 0) {
    return 0;
  }
  const float h = std::max(std::min(a.ymax, b.ymax) - std::max(a.ymin, b.ymin), 0.0f);
  const float w = std::max(std::min(a.xmax, b.xmax) - std::max(a.xmin, b.xmin), 0.0f);
  const float intersection = h * w;
  return intersection / (area_a + area_b - intersection);
}

std::vector<std::size_t> non_max_suppression(const std::vector<SsdBox>& boxes, float max_iou,
                                             float min_score, std::size_t max_results) {
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    if (boxes[i].score > min_score) {
      candidates.push_back(i);
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [&](std::size_t a, std::size_t b) { return boxes[a].score > boxes[b].score; });
  std::vector<std::size_t> kept;
  for (const std::size_t i : candidates) {
    if (kept.size() >= max_results) {
      break;
    }
    const bool suppressed = std::any_of(kept.begin(), kept.end(), [&](std::size_t j) {
      return intersection_over_union(boxes[i], boxes[j]) > max_iou;
    });
    if (!suppressed) {
      kept.push_back(i);
    }
  }
  return kept;
}

}  // namespace findme::face::model
