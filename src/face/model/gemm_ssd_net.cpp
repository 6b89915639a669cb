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
using channel_last::gemm;
using channel_last::im2col;
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

const GemmSsdNet::PaddingRows* GemmSsdNet::known_padding(int photo_rows,
                                                         const std::array<float, 3>& pad) const {
  for (const PaddingRows& known : padding_) {
    if (known.photo_rows == photo_rows && known.pad == pad) return &known;
  }
  return nullptr;
}

Result<std::vector<SsdBox>> GemmSsdNet::run(const cv::Mat& input) {
  constexpr int kSide = SsdWeights::kInputSize;
  if (input.dims != 4 || input.size[0] != 1 || input.size[1] != 3 || input.size[2] != kSide ||
      input.size[3] != kSide || input.type() != CV_32F || !input.isContinuous()) {
    return make_error(Errc::internal, "face detection: the SSD input must be [1, 3, 512, 512]");
  }
  // NCHW -> NHWC.
  Shape shape{kSide, kSide, 3};
  const std::size_t plane = static_cast<std::size_t>(kSide) * kSide;
  a_.resize(std::max(a_.size(), shape.size()));
  const float* src = input.ptr<float>();
  for (std::size_t p = 0; p < plane; ++p) {
    for (std::size_t c = 0; c < 3; ++c) a_[p * 3 + c] = src[c * plane + p];
  }

  // A landscape photo padded to a square leaves rows of padding under it. What the net computes
  // from those rows alone is the same for every photo of that height: it is recorded on the
  // first such photo (the rows next to the photo's at each layer, the predictions of the padding
  // cells) and reused after, so only the photo's rows are computed (a 3:2 photo: 2/3 of the
  // work). Same arithmetic on every value computed, so the same boxes.
  const std::array<float, 3> pad{a_[plane * 3 - 3], a_[plane * 3 - 2], a_[plane * 3 - 1]};
  int photo_rows = kSide;
  const auto is_padding_row = [&](int y) {
    const float* row = a_.data() + at(y, 0, kSide, 3);
    for (std::size_t i = 0; i < static_cast<std::size_t>(kSide) * 3; ++i) {
      if (row[i] != pad[i % 3]) return false;
    }
    return true;
  };
  while (photo_rows > 0 && is_padding_row(photo_rows - 1)) --photo_rows;
  const PaddingRows* known = photo_rows < kSide ? known_padding(photo_rows, pad) : nullptr;
  PaddingRows recording;
  const bool record = photo_rows < kSide && known == nullptr;
  recording.photo_rows = photo_rows;
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
      const int depth = layer.kernel * layer.kernel * shape.channels;
      col_.resize(std::max(col_.size(),
                           static_cast<std::size_t>(pixels) * static_cast<std::size_t>(depth)));
      im2col(layer, cur, shape, out_shape, rows, col_.data());
      gemm(layer, col_.data(), pixels, depth, dst);
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
    for (std::size_t cell = 0; cell < cells; ++cell) {
      const float* e = &boxes_out_[cell * box_values];
      const float* c = &classes_out_[cell * class_values];
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
    apply(backbone_[i]);
    if (i == SsdWeights::kConv11) predict(0);
  }
  predict(1);
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
