// The forward pass of dlib's ResNet over PackedRecognitionWeights, mirroring the OpenCV net of
// opencv_face_embedder.cpp layer for layer (which the tests compare it with).
#include "face/model/gemm_face_embedder.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>

#include <cblas.h>

#include "face/model/winograd_conv.h"

namespace findme::face::model {
namespace {

// dlib's input_rgb_image_sized<150>: subtract the mean of its training chips, divide by 256.
constexpr std::array<float, 3> kMeanRgb{122.782f, 117.001f, 104.298f};
constexpr float kInputScale = 1.0f / 256.0f;
constexpr NhwcShape kChipShape{1, kChipSize, kChipSize, 3};
// From conv128_down on (8x8 and smaller) the layers run as one GEMM over all chips of a pass:
// per chip they would be GEMMs of 64 rows or fewer, at half OpenBLAS's speed.
constexpr std::size_t kFirstBatchedBlock = 7;
// im2col and Winograd scratch: 1.5 MB, so that a chunk stays in the core's L2 cache (2 MB) for
// the GEMM, and holds one chip's 35x35 tiles of 32 channels at once.
constexpr std::size_t kColFloats = std::size_t{384} * 1024;

void normalise(const image::RgbImage& chip, float* out) {
  const std::size_t values = chip.pixels.size();
  for (std::size_t i = 0; i < values; i += 3) {
    for (std::size_t c = 0; c < 3; ++c) {
      out[i + c] = (static_cast<float>(chip.pixels[i + c]) - kMeanRgb[c]) * kInputScale;
    }
  }
}

bool valid_chip(const image::RgbImage& chip) {
  return chip.width == kChipSize && chip.height == kChipSize &&
         chip.pixels.size() == chip.byte_size();
}

Error chip_size_error(std::size_t index, const image::RgbImage& chip) {
  return make_error(Errc::internal,
                    "face chip " + std::to_string(index) + " is " + std::to_string(chip.width) +
                        "x" + std::to_string(chip.height) + ", expected a 150x150 RGB chip");
}

// Buffer sizes in floats: the largest tensor of one chip in the per-chip blocks and in the
// batched ones (input included), the stem's output, and the largest im2col row or Winograd tile.
struct Extents {
  std::size_t single = 0;
  std::size_t batched = 0;
  std::size_t stem = 0;
  std::size_t col_row = 0;
};

Extents extents_of(const PackedRecognitionWeights& weights) {
  Extents e;
  NhwcShape shape = conv_output_shape(weights.stem(), kChipShape);
  e.stem = shape.size();
  e.col_row = static_cast<std::size_t>(weights.stem().rows());
  shape = {1, (shape.height - 3) / 2 + 1, (shape.width - 3) / 2 + 1, shape.channels};
  for (std::size_t i = 0; i < weights.blocks().size(); ++i) {
    const PackedBlock& block = weights.blocks()[i];
    const NhwcShape inner = conv_output_shape(block.conv1, shape);
    std::size_t& largest = i < kFirstBatchedBlock ? e.single : e.batched;
    largest = std::max({largest, shape.size(), inner.size()});
    for (const PackedConv* conv : {&block.conv1, &block.conv2}) {
      e.col_row = std::max(
          {e.col_row, static_cast<std::size_t>(conv->rows()), winograd_min_scratch(*conv)});
    }
    shape = block.downsample ? NhwcShape{1, shape.height / 2, shape.width / 2, inner.channels}
                             : conv_output_shape(block.conv2, inner);
    largest = std::max(largest, shape.size());
  }
  return e;
}

}  // namespace

GemmFaceEmbedder::GemmFaceEmbedder(std::shared_ptr<const PackedRecognitionWeights> weights)
    : weights_(std::move(weights)) {}

Result<std::unique_ptr<GemmFaceEmbedder>> GemmFaceEmbedder::create(
    std::shared_ptr<const PackedRecognitionWeights> weights, const GemmEmbedderOptions& options) {
  if (!weights) return make_error(Errc::internal, "face model: no packed recognition weights");
  if (options.max_batch < 1) {
    return make_error(Errc::internal, "face model: max_batch must be at least 1");
  }
  static std::once_flag single_threaded_blas;
  std::call_once(single_threaded_blas, [] { openblas_set_num_threads(1); });
  std::unique_ptr<GemmFaceEmbedder> embedder(new GemmFaceEmbedder(std::move(weights)));
  embedder->allocate(static_cast<std::size_t>(options.max_batch));
  const image::RgbImage grey{
      kChipSize, kChipSize,
      std::vector<std::uint8_t>(static_cast<std::size_t>(kChipSize) * kChipSize * 3, 128)};
  Embedding warm{};
  embedder->run({&grey, 1}, &warm);
  return embedder;
}

void GemmFaceEmbedder::allocate(std::size_t max_batch) {
  max_batch_ = max_batch;
  const Extents e = extents_of(*weights_);
  input_.resize(kChipShape.size());
  stem_.resize(e.stem);
  col_.resize(std::max(kColFloats, e.col_row));
  for (std::vector<float>* v : {&single_.x, &single_.t1, &single_.t2, &single_.y}) {
    v->resize(e.single);
  }
  for (std::vector<float>* v : {&batched_.x, &batched_.t1, &batched_.t2, &batched_.y}) {
    v->resize(e.batched * max_batch);
  }
  pooled_.resize(max_batch * PackedRecognitionWeights::kFcInputs);
  descriptors_.resize(max_batch * kEmbeddingSize);
}

Result<std::vector<Embedding>> GemmFaceEmbedder::embed(std::span<const image::RgbImage> chips) {
  for (std::size_t i = 0; i < chips.size(); ++i) {
    if (!valid_chip(chips[i])) return chip_size_error(i, chips[i]);
  }
  std::vector<Embedding> embeddings(chips.size());
  for (std::size_t first = 0; first < chips.size(); first += max_batch_) {
    const std::size_t count = std::min(max_batch_, chips.size() - first);
    run(chips.subspan(first, count), &embeddings[first]);
  }
  return embeddings;
}

NhwcShape GemmFaceEmbedder::run_single(const image::RgbImage& chip) {
  normalise(chip, input_.data());
  const PackedConv& stem = weights_->stem();
  conv_gemm(stem, input_.data(), kChipShape, stem_.data(), col_, nullptr, true);
  NhwcShape shape =
      max_pool_3x3_stride2(stem_.data(), conv_output_shape(stem, kChipShape), single_.x.data());
  const std::span<const PackedBlock> blocks = weights_->blocks();
  return run_blocks(blocks.first(std::min(kFirstBatchedBlock, blocks.size())), single_, shape);
}

NhwcShape GemmFaceEmbedder::run_blocks(std::span<const PackedBlock> blocks, Buffers& buffers,
                                       NhwcShape shape) {
  for (const PackedBlock& block : blocks) {
    const NhwcShape inner = conv_output_shape(block.conv1, shape);
    conv_gemm(block.conv1, buffers.x.data(), shape, buffers.t1.data(), col_, nullptr, true);
    if (block.downsample) {
      // dlib's add_prev of a pooled shortcut: see add_shortcut_relu for the shapes.
      const NhwcShape path = conv_output_shape(block.conv2, inner);
      conv_gemm(block.conv2, buffers.t1.data(), inner, buffers.t2.data(), col_, nullptr, false);
      const NhwcShape pooled = avg_pool_2x2_stride2(buffers.x.data(), shape, buffers.t1.data());
      shape =
          add_shortcut_relu(buffers.t2.data(), path, buffers.t1.data(), pooled, buffers.y.data());
    } else {
      conv_gemm(block.conv2, buffers.t1.data(), inner, buffers.y.data(), col_, buffers.x.data(),
                true);
      shape = conv_output_shape(block.conv2, inner);
    }
    std::swap(buffers.x, buffers.y);
  }
  return shape;
}

void GemmFaceEmbedder::run(std::span<const image::RgbImage> chips, Embedding* out) {
  const std::span<const PackedBlock> blocks = weights_->blocks();
  NhwcShape shape;
  for (std::size_t i = 0; i < chips.size(); ++i) {
    shape = run_single(chips[i]);
    std::copy_n(single_.x.data(), shape.size(), batched_.x.data() + i * shape.size());
  }
  shape.batch = static_cast<int>(chips.size());
  shape = run_blocks(blocks.subspan(std::min(kFirstBatchedBlock, blocks.size())), batched_, shape);
  // Global average pooling, then the fc layer as one GEMM over the pass's chips.
  const auto area = static_cast<std::size_t>(shape.height) * static_cast<std::size_t>(shape.width);
  const auto channels = static_cast<std::size_t>(shape.channels);
  for (std::size_t i = 0; i < chips.size(); ++i) {
    float* pooled = &pooled_[i * channels];
    std::fill_n(pooled, channels, 0.0f);
    const float* image = &batched_.x[i * area * channels];
    for (std::size_t p = 0; p < area; ++p) {
      for (std::size_t c = 0; c < channels; ++c) pooled[c] += image[p * channels + c];
    }
    for (std::size_t c = 0; c < channels; ++c) pooled[c] /= static_cast<float>(area);
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, shape.batch, kEmbeddingSize,
              shape.channels, 1.0f, pooled_.data(), shape.channels, weights_->fc().data(),
              kEmbeddingSize, 0.0f, descriptors_.data(), kEmbeddingSize);
  for (std::size_t i = 0; i < chips.size(); ++i) {
    std::copy_n(&descriptors_[i * kEmbeddingSize], kEmbeddingSize, out[i].begin());
  }
}

}  // namespace findme::face::model
