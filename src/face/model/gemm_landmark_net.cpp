#include "face/model/gemm_landmark_net.h"

#include <algorithm>
#include <cassert>
#include <mutex>
#include <string>
#include <utility>

#include <cblas.h>

#include "face/model/landmark_net.h"
#include "face/model/ssd_weights.h"

namespace findme::face::model {
namespace landmark_gemm {
namespace {

using channel_last::Layer;
using channel_last::Shape;

constexpr int kSide = LandmarkNetWeights::kInputSize;
constexpr std::size_t kOutputs = std::size_t{2} * LandmarkNetWeights::kPointCount;
// The last block's channels, averaged into the fc input (create() checks the weights agree).
constexpr std::size_t kFeatureCount = LandmarkNetWeights::kFeatures;

// LandmarkConv in the shape channel_last::repack() takes (SsdConv describes any such layer).
Result<Layer> repack_part(const LandmarkConv& conv, const cv::Mat& filters, const cv::Mat& bias,
                          bool depthwise, int stride) {
  SsdConv described{
      conv.name,       conv.in_channels, depthwise ? conv.in_channels : conv.out_channels,
      filters.size[2], stride,           depthwise,
      false,           filters,          bias};
  return channel_last::repack(described);
}

}  // namespace
}  // namespace landmark_gemm

using namespace landmark_gemm;  // NOLINT(google-build-using-namespace): this file's own helpers

Result<std::unique_ptr<GemmLandmarkNet>> GemmLandmarkNet::create(
    const LandmarkNetWeights& weights) {
  static std::once_flag single_threaded_blas;
  std::call_once(single_threaded_blas, [] { openblas_set_num_threads(1); });
  std::unique_ptr<GemmLandmarkNet> net(new GemmLandmarkNet());
  for (const DenseBlock& block : weights.blocks()) {
    std::array<Conv, 4> convs;
    for (std::size_t i = 0; i < 4; ++i) {
      const LandmarkConv& c = block.convs[i];
      if (c.separable()) {
        // The depthwise part has no bias of its own: zeros.
        Result<Layer> depthwise =
            repack_part(c, c.depthwise, cv::Mat::zeros(1, c.in_channels, CV_32F), true, c.stride);
        if (!depthwise) return depthwise.error();
        Result<Layer> pointwise = repack_part(c, c.filters, c.bias, false, 1);
        if (!pointwise) return pointwise.error();
        convs[i] = {std::move(*depthwise), std::move(*pointwise)};
      } else {
        Result<Layer> plain = repack_part(c, c.filters, c.bias, false, c.stride);
        if (!plain) return plain.error();
        convs[i] = {std::move(*plain), {}};
      }
    }
    net->blocks_.push_back(std::move(convs));
  }
  const cv::Mat& fc = weights.fc_weights();  // [136, 256]
  if (net->blocks_.back()[3].pointwise.out_channels != LandmarkNetWeights::kFeatures ||
      fc.rows != static_cast<int>(kOutputs) || fc.cols != LandmarkNetWeights::kFeatures ||
      !fc.isContinuous() || weights.fc_bias().total() != kOutputs) {
    return make_error(Errc::internal, "face model: unexpected landmark features or fc shape");
  }
  net->fc_weights_.resize(fc.total());
  for (int o = 0; o < fc.rows; ++o) {
    for (int i = 0; i < fc.cols; ++i) {
      net->fc_weights_[static_cast<std::size_t>(i) * kOutputs + static_cast<std::size_t>(o)] =
          fc.at<float>(o, i);
    }
  }
  const float* bias = weights.fc_bias().ptr<float>();
  net->fc_bias_.assign(bias, bias + kOutputs);
  constexpr std::size_t kLargest = std::size_t{kSide / 2} * (kSide / 2) * 32;
  for (std::vector<float>* buffer :
       {&net->map_, &net->sum_, &net->relu_, &net->conv_, &net->depth_}) {
    buffer->resize(std::max(kLargest, std::size_t{kSide} * kSide * 3));
  }
  return net;
}

Shape GemmLandmarkNet::convolve(const Conv& conv, const float* in, const Shape& shape, float* to) {
  const Shape out = channel_last::output_shape(conv.first, shape);
  const int pixels = out.height * out.width;
  if (conv.separable()) {
    channel_last::depthwise(conv.first, in, shape, out, out.height, depth_.data());
    const Shape mixed{out.height, out.width, conv.pointwise.out_channels};
    channel_last::gemm(conv.pointwise, depth_.data(), pixels, out.channels, to);
    return mixed;
  }
  channel_last::full_conv(conv.first, in, shape, out, out.height, col_, to);
  return out;
}

void GemmLandmarkNet::add_convolved(const Conv& conv, const float* in, const Shape& shape) {
  assert(conv.separable() && conv.first.stride == 1);
  channel_last::depthwise(conv.first, in, shape, shape, shape.height, depth_.data());
  channel_last::gemm_add(conv.pointwise, depth_.data(), shape.height * shape.width, shape.channels,
                         sum_.data());
}

Result<std::array<float, 136>> GemmLandmarkNet::run(const cv::Mat& input) {
  if (input.dims != 4 || input.size[0] != 1 || input.size[1] != 3 || input.size[2] != kSide ||
      input.size[3] != kSide || input.type() != CV_32F || !input.isContinuous()) {
    return make_error(Errc::internal, "face landmarks: the input must be [1, 3, 112, 112]");
  }
  // NCHW -> NHWC.
  Shape shape{kSide, kSide, 3};
  const std::size_t plane = std::size_t{kSide} * kSide;
  const float* src = input.ptr<float>();
  for (std::size_t p = 0; p < plane; ++p) {
    for (std::size_t c = 0; c < 3; ++c) map_[p * 3 + c] = src[c * plane + p];
  }
  // denseBlock4: out1 = relu(conv0(x)), then each further conv reads relu(out1 + ... + outk) and
  // adds its output to the sum; the block's output is relu of the whole sum.
  for (const std::array<Conv, 4>& block : blocks_) {
    shape = convolve(block[0], map_.data(), shape, conv_.data());
    const std::size_t values = shape.size();
    channel_last::relu(conv_.data(), values, sum_.data());
    add_convolved(block[1], sum_.data(), shape);
    channel_last::relu(sum_.data(), values, relu_.data());
    add_convolved(block[2], relu_.data(), shape);
    channel_last::relu(sum_.data(), values, relu_.data());
    add_convolved(block[3], relu_.data(), shape);
    channel_last::relu(sum_.data(), values, map_.data());
  }
  // tf.avgPool 7x7 'valid' over the 7x7 map: the mean of each channel; then the fc layer.
  const auto pixels =
      static_cast<std::size_t>(shape.height) * static_cast<std::size_t>(shape.width);
  std::array<float, kFeatureCount> features{};
  for (std::size_t p = 0; p < pixels; ++p) {
    for (std::size_t c = 0; c < kFeatureCount; ++c) features[c] += map_[p * kFeatureCount + c];
  }
  for (float& f : features) f /= static_cast<float>(pixels);
  std::array<float, 136> out{};
  std::copy(fc_bias_.begin(), fc_bias_.end(), out.begin());
  cblas_sgemv(CblasRowMajor, CblasTrans, static_cast<int>(kFeatureCount),
              static_cast<int>(kOutputs), 1.0f, fc_weights_.data(), static_cast<int>(kOutputs),
              features.data(), 1, 1.0f, out.data(), 1);
  return out;
}

Result<std::vector<Point>> GemmLandmarkNet::locate(const image::RgbImage& image, const Box& box) {
  assert(!image.empty());
  return locate_with(*this, image, box);
}

}  // namespace findme::face::model
