#include "face/model/gemm_ssd_net.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <mutex>
#include <string>
#include <utility>

#include <cblas.h>

namespace findme::face::model {
// Helpers in a named namespace: unity builds merge this file with conv_gemm.cpp and others.
namespace gemm_ssd {

using channel_last::at;
using channel_last::depthwise;
using channel_last::full_conv;
using channel_last::gemm;
using channel_last::Layer;
using channel_last::output_shape;
using channel_last::pad_before;
using channel_last::repack;
using channel_last::Shape;

namespace {

// The first output row that the input's rows from `first_padding_row` on decide alone: output
// row y reads input rows y * stride - pad ... y * stride - pad + kernel - 1.
int first_padding_row(const Layer& layer, int first_padding_row_in, int out_height) {
  const int row = (first_padding_row_in + pad_before(layer) + layer.stride - 1) / layer.stride;
  return std::min(row, out_height);
}

// The rows after the last layer's photo rows that the next layer reads (3x3 kernels, stride <= 2).
constexpr int kBandRows = 2;

std::size_t row_floats(const Shape& s) {
  return static_cast<std::size_t>(s.width) * static_cast<std::size_t>(s.channels);
}

// `layer` with its 3x3 kernel transposed (tap (ky, kx) moved to (kx, ky)): over a transposed map
// it computes the transposed output. TF's "same" padding is the same on both axes, so exactly.
Layer with_transposed_kernel(const Layer& layer) {
  Layer turned = layer;
  const auto side = static_cast<std::size_t>(layer.kernel);
  const std::size_t block = layer.weights.size() / (side * side);  // one tap's weights
  for (std::size_t ky = 0; ky < side; ++ky) {
    for (std::size_t kx = 0; kx < side; ++kx) {
      std::copy_n(layer.weights.begin() + static_cast<std::ptrdiff_t>((ky * side + kx) * block),
                  block,
                  turned.weights.begin() + static_cast<std::ptrdiff_t>((kx * side + ky) * block));
    }
  }
  return turned;
}

// out(y, x) = in(x, y) for a square map; channels stay together. In 16 x 16 blocks, so that
// the 3-channel input's columns are read from cache.
void transpose_map(const float* in, const Shape& s, float* out) {
  constexpr int kBlock = 16;
  const auto channels = static_cast<std::size_t>(s.channels);
  for (int by = 0; by < s.height; by += kBlock) {
    for (int bx = 0; bx < s.width; bx += kBlock) {
      for (int y = by; y < std::min(by + kBlock, s.height); ++y) {
        for (int x = bx; x < std::min(bx + kBlock, s.width); ++x) {
          std::copy_n(in + at(x, y, s.width, s.channels), channels,
                      out + at(y, x, s.width, s.channels));
        }
      }
    }
  }
}

}  // namespace
}  // namespace gemm_ssd

using namespace gemm_ssd;  // NOLINT(google-build-using-namespace): this file's own helpers

Result<GemmSsdNet> GemmSsdNet::create(const SsdWeights& weights) {
  static std::once_flag single_threaded_blas;
  std::call_once(single_threaded_blas, [] { openblas_set_num_threads(1); });
  GemmSsdNet net;
  const auto add = [](std::vector<Layer>& to, const SsdConv& conv) -> Result<void> {
    Result<Layer> layer = repack(conv);
    if (!layer) return layer.error();
    to.push_back(std::move(*layer));
    return {};
  };
  for (const SsdConv& conv : weights.backbone()) {
    if (Result<void> ok = add(net.backbone_, conv); !ok) return ok.error();
    const Layer& added = net.backbone_.back();
    net.turned_backbone_.push_back(added.kernel > 1 ? with_transposed_kernel(added) : Layer{});
  }
  for (const SsdConv& conv : weights.extras()) {
    if (Result<void> ok = add(net.extras_, conv); !ok) return ok.error();
  }
  for (const SsdBoxPredictor& p : weights.predictors()) {
    if (Result<void> ok = add(net.predictors_, p.boxes); !ok) return ok.error();
    if (Result<void> ok = add(net.predictors_, p.classes); !ok) return ok.error();
    net.anchors_per_cell_.push_back(p.anchors_per_cell);
  }
  net.anchors_ = weights.anchors().clone();
  std::vector<const Layer*> sequence;
  for (const Layer& layer : net.backbone_) sequence.push_back(&layer);
  for (const Layer& layer : net.extras_) sequence.push_back(&layer);
  for (std::size_t i = 0; i < sequence.size(); ++i) {
    const bool next_reads_around = i + 1 < sequence.size() && sequence[i + 1]->kernel > 1;
    net.band_rows_.push_back(next_reads_around ? kBandRows : 0);
  }
  return net;
}

const GemmSsdNet::PaddingRows* GemmSsdNet::known_padding(int photo_rows, bool turned,
                                                         const std::array<float, 3>& pad) const {
  for (const PaddingRows& known : padding_) {
    if (known.photo_rows == photo_rows && known.turned == turned && known.pad == pad) return &known;
  }
  return nullptr;
}

Result<std::vector<SsdBox>> GemmSsdNet::run(const cv::Mat& input) {
  constexpr int kSide = SsdWeights::kInputSize;
  if (input.dims != 4 || input.size[0] != 1 || input.size[1] != 3 || input.size[2] != kSide ||
      input.size[3] != kSide || input.type() != CV_32F || !input.isContinuous()) {
    return make_error(Errc::internal, "face detection: the SSD input must be [1, 3, 512, 512]");
  }
  // A landscape photo padded to a square leaves rows of padding under it. What the net computes
  // from those rows alone is the same for every photo of that height: it is recorded on the
  // first such photo (the rows next to the photo's at each layer, the predictions of the padding
  // cells) and reused after, so only the photo's rows are computed (a 3:2 photo: 2/3 of the
  // work). Same arithmetic on every value computed, so the same boxes. A portrait photo leaves
  // columns of padding on the right instead: the backbone (~90 % of the work) then runs over the
  // transposed input with transposed 3x3 kernels, where they are rows, and its maps are turned
  // back for the extra layers.
  const std::size_t plane = static_cast<std::size_t>(kSide) * kSide;
  const float* src = input.ptr<float>();  // NCHW
  const std::array<float, 3> pad{src[plane - 1], src[2 * plane - 1], src[3 * plane - 1]};
  // The photo's rows and columns: those not wholly of the padding's value (the last pixel's).
  int photo_rows = 0;
  int photo_columns = 0;
  for (std::size_t c = 0; c < 3; ++c) {
    for (int y = 0; y < kSide; ++y) {
      const float* row = src + c * plane + at(y, 0, kSide, 1);
      int x = kSide;
      while (x > photo_columns && row[x - 1] == pad[c]) --x;  // only columns not yet photo
      if (x > photo_columns) photo_columns = x;
      if (x > 0 && !std::all_of(row, row + x, [&](float v) { return v == pad[c]; })) {
        photo_rows = std::max(photo_rows, y + 1);
      }
    }
  }
  const bool turned = photo_columns < photo_rows;
  if (turned) photo_rows = photo_columns;

  // NCHW -> NHWC (into b_, then transposed into a_ when turned: one pass gathering the
  // transposed pixels straight from the planes measured ~1.5 ms slower).
  Shape shape{kSide, kSide, 3};
  a_.resize(std::max(a_.size(), shape.size()));
  b_.resize(std::max(b_.size(), shape.size()));
  float* nhwc = turned ? b_.data() : a_.data();
  for (std::size_t p = 0; p < plane; ++p) {
    for (std::size_t c = 0; c < 3; ++c) nhwc[p * 3 + c] = src[c * plane + p];
  }
  if (turned) transpose_map(b_.data(), shape, a_.data());

  const PaddingRows* known = photo_rows < kSide ? known_padding(photo_rows, turned, pad) : nullptr;
  PaddingRows recording;
  const bool record = photo_rows < kSide && known == nullptr;
  recording.photo_rows = photo_rows;
  recording.turned = turned;
  recording.pad = pad;
  int padding_from = photo_rows;  // the current map's first row decided by the padding alone

  std::vector<SsdBox> boxes;
  boxes.reserve(SsdWeights::kAnchorCount);
  float* cur = a_.data();
  std::size_t band = 0;  // layers applied so far: the index into PaddingRows::bands
  // Applies one layer from `cur` into the other buffer and swaps.
  const auto apply = [&](const Layer& layer) {
    const Shape out_shape = output_shape(layer, shape);
    std::vector<float>& dst_buffer = cur == a_.data() ? b_ : a_;
    if (dst_buffer.size() < out_shape.size()) dst_buffer.resize(out_shape.size());  // not `cur`'s
    float* dst = dst_buffer.data();
    padding_from = first_padding_row(layer, padding_from, out_shape.height);
    const int rows = known != nullptr ? padding_from : out_shape.height;
    const int pixels = rows * out_shape.width;
    if (layer.depthwise) {
      depthwise(layer, cur, shape, out_shape, rows, dst);
    } else if (layer.kernel == 1 && layer.stride == 1) {
      gemm(layer, cur, pixels, shape.channels, dst);
    } else {
      full_conv(layer, cur, shape, out_shape, rows, col_, dst);
    }
    // The padding rows the next layer reads next to the photo's (none for a 1x1 layer).
    const int band_end = std::min(out_shape.height, padding_from + band_rows_[band]);
    float* band_start = dst + static_cast<std::size_t>(padding_from) * row_floats(out_shape);
    const std::size_t band_floats =
        static_cast<std::size_t>(band_end - padding_from) * row_floats(out_shape);
    if (record) recording.bands.emplace_back(band_start, band_start + band_floats);
    if (known != nullptr) std::copy_n(known->bands[band].begin(), band_floats, band_start);
    ++band;
    cur = dst;
    shape = out_shape;
  };
  // Runs predictor `p` on the current map and appends its decoded boxes.
  const auto predict = [&](std::size_t p) {
    const Layer& box_layer = predictors_[2 * p];
    const Layer& class_layer = predictors_[2 * p + 1];
    const int pixels = shape.height * shape.width;
    const int photo_pixels = known != nullptr ? padding_from * shape.width : pixels;
    const auto cells = static_cast<std::size_t>(pixels);
    const auto box_values = static_cast<std::size_t>(box_layer.out_channels);
    const auto class_values = static_cast<std::size_t>(class_layer.out_channels);
    boxes_out_.resize(cells * box_values);
    classes_out_.resize(cells * class_values);
    gemm(box_layer, cur, photo_pixels, shape.channels, boxes_out_.data());
    gemm(class_layer, cur, photo_pixels, shape.channels, classes_out_.data());
    // The padding cells' predictions.
    const std::size_t padding_cell =
        static_cast<std::size_t>(padding_from) * static_cast<std::size_t>(shape.width);
    float* box_tail = boxes_out_.data() + padding_cell * box_values;
    float* class_tail = classes_out_.data() + padding_cell * class_values;
    const std::size_t box_floats = (cells - padding_cell) * box_values;
    const std::size_t class_floats = (cells - padding_cell) * class_values;
    if (record) {
      recording.tails.emplace_back(box_tail, box_tail + box_floats);
      recording.tails.emplace_back(class_tail, class_tail + class_floats);
    }
    if (known != nullptr) {
      std::copy_n(known->tails[2 * p].begin(), box_floats, box_tail);
      std::copy_n(known->tails[2 * p + 1].begin(), class_floats, class_tail);
    }
    const auto per_cell = static_cast<std::size_t>(anchors_per_cell_[p]);
    // Anchors go in the photo's cell order; a map still turned holds cell (y, x) at (x, y).
    const bool map_turned = turned && p < 2;
    const auto side = static_cast<std::size_t>(shape.width);
    for (std::size_t cell = 0; cell < cells; ++cell) {
      const std::size_t from = map_turned ? (cell % side) * side + cell / side : cell;
      const float* e = &boxes_out_[from * box_values];
      const float* c = &classes_out_[from * class_values];
      for (std::size_t k = 0; k < per_cell; ++k) {
        const int anchor = static_cast<int>(boxes.size());
        if (anchor >= anchors_.rows) return;
        SsdBox box = decode_box(e + 4 * k, anchors_.ptr<float>(anchor));
        box.score = 1.0f / (1.0f + std::exp(-c[3 * k + 1]));
        boxes.push_back(box);
      }
    }
  };
  for (std::size_t i = 0; i < backbone_.size(); ++i) {
    apply(turned && backbone_[i].kernel > 1 ? turned_backbone_[i] : backbone_[i]);
    if (i == SsdWeights::kConv11) predict(0);
  }
  predict(1);
  if (turned) {  // the last backbone map turned back; the extras compute all of it (16 x 16)
    float* padding = cur + static_cast<std::size_t>(padding_from) * row_floats(shape);
    const std::size_t padding_floats =
        shape.size() - static_cast<std::size_t>(padding_from) * row_floats(shape);
    if (record) recording.backbone_padding.assign(padding, padding + padding_floats);
    if (known != nullptr) std::copy_n(known->backbone_padding.begin(), padding_floats, padding);
    std::vector<float>& dst_buffer = cur == a_.data() ? b_ : a_;
    if (dst_buffer.size() < shape.size()) dst_buffer.resize(shape.size());
    transpose_map(cur, shape, dst_buffer.data());
    cur = dst_buffer.data();
    padding_from = shape.height;
  }
  for (std::size_t i = 0; i < extras_.size(); ++i) {
    apply(extras_[i]);
    if (i % 2 == 1) predict(2 + i / 2);
  }
  if (boxes.size() != SsdWeights::kAnchorCount) {
    return make_error(Errc::internal, "face detection: the net gave " +
                                          std::to_string(boxes.size()) + " boxes, expected " +
                                          std::to_string(SsdWeights::kAnchorCount));
  }
  if (record) {
    if (padding_.size() >= kPaddingGeometries) padding_.erase(padding_.begin());
    padding_.push_back(std::move(recording));
  }
  return boxes;
}

}  // namespace findme::face::model
