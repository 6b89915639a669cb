#include "face/model/landmark_net.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <exception>
#include <string>

namespace findme::face::model {
namespace {

constexpr int kLandmarkSide = LandmarkNetWeights::kInputSize;
constexpr std::array<double, 3> kLandmarkMeanRgb{122.782, 117.001,
                                                 104.298};  // FaceFeatureExtractor.ts

cv::dnn::LayerParams named(const std::string& name, const char* type) {
  cv::dnn::LayerParams params;
  params.name = name;
  params.type = type;
  return params;
}

int add(cv::dnn::Net& net, cv::dnn::LayerParams& params, std::initializer_list<int> inputs) {
  const int id = net.addLayer(params.name, params.type, params);
  int slot = 0;
  for (const int input : inputs) {
    net.connect(input, 0, id, slot++);
  }
  return id;
}

// TF "same" padding at stride 2 on an even side pads 0 before and 1 after; OpenCV's pad is
// symmetric, so an explicit Padding layer adds the bottom row and right column (as ssd_net.cpp).
int add_convolution(cv::dnn::Net& net, const std::string& name, const cv::Mat& filters,
                    const cv::Mat& bias, int groups, int stride, int input) {
  const int kernel = filters.size[2];
  if (stride == 2) {
    cv::dnn::LayerParams pad = named(name + "/same_pad", "Padding");
    const std::array<int, 8> paddings{0, 0, 0, 0, 0, 1, 0, 1};  // NCHW: bottom and right
    pad.set("paddings", cv::dnn::DictValue::arrayInt(paddings.data(), 8));
    input = add(net, pad, {input});
  }
  cv::dnn::LayerParams params = named(name, "Convolution");
  params.set("kernel_size", kernel);
  params.set("stride", stride);
  params.set("pad", stride == 1 ? kernel / 2 : 0);
  params.set("num_output", filters.size[0]);
  params.set("group", groups);
  params.set("bias_term", !bias.empty());
  params.blobs = {filters.clone()};  // each net owns its weights
  if (!bias.empty()) {
    params.blobs.push_back(bias.clone());
  }
  return add(net, params, {input});
}

int add_conv(cv::dnn::Net& net, const LandmarkConv& conv, int input) {
  if (!conv.separable()) {
    return add_convolution(net, conv.name, conv.filters, conv.bias, 1, conv.stride, input);
  }
  const int depthwise = add_convolution(net, conv.name + "/depthwise", conv.depthwise, cv::Mat(),
                                        conv.in_channels, conv.stride, input);
  return add_convolution(net, conv.name + "/pointwise", conv.filters, conv.bias, 1, 1, depthwise);
}

int add_relu(cv::dnn::Net& net, const std::string& name, int input) {
  cv::dnn::LayerParams relu = named(name, "ReLU");
  return add(net, relu, {input});
}

int add_sum(cv::dnn::Net& net, const std::string& name, std::initializer_list<int> inputs) {
  cv::dnn::LayerParams sum = named(name, "Eltwise");
  sum.set("operation", "sum");
  return add(net, sum, inputs);
}

// denseBlock4 (faceFeatureExtractor/denseBlock.ts).
int add_block(cv::dnn::Net& net, const DenseBlock& block, int input) {
  const std::string& n = block.name;
  const int out1 = add_relu(net, n + "/relu1", add_conv(net, block.convs[0], input));
  const int out2 = add_conv(net, block.convs[1], out1);
  const int in3 = add_relu(net, n + "/relu2", add_sum(net, n + "/sum2", {out1, out2}));
  const int out3 = add_conv(net, block.convs[2], in3);
  const int in4 = add_relu(net, n + "/relu3", add_sum(net, n + "/sum3", {out1, out2, out3}));
  const int out4 = add_conv(net, block.convs[3], in4);
  return add_relu(net, n + "/relu4", add_sum(net, n + "/sum4", {out1, out2, out3, out4}));
}

}  // namespace

LandmarkCrop landmark_crop(const Box& box, int image_width, int image_height) {
  assert(image_width >= 1 && image_height >= 1);
  // Box.clipAtImageBorders, then floor() of each field.
  const double x = std::max<double>(box.x, 0);
  const double y = std::max<double>(box.y, 0);
  const double width = std::min<double>(box.x + box.width - x, image_width - x);
  const double height = std::min<double>(box.y + box.height - y, image_height - y);
  LandmarkCrop crop{static_cast<int>(std::floor(x)), static_cast<int>(std::floor(y)),
                    static_cast<int>(std::floor(width)), static_cast<int>(std::floor(height))};
  // Degenerate boxes (face-api drops them): keep one pixel inside the image.
  crop.x = std::min(crop.x, image_width - 1);
  crop.y = std::min(crop.y, image_height - 1);
  crop.width = std::clamp(crop.width, 1, image_width - crop.x);
  crop.height = std::clamp(crop.height, 1, image_height - crop.y);
  return crop;
}

cv::Mat make_landmark_input(const image::RgbImage& image, const LandmarkCrop& crop) {
  const int square = std::max(crop.width, crop.height);
  // padToSquare(centred): Math.round(diff * 0.5) after the image, the rest before it.
  const int pad_x = (square - crop.width) / 2;
  const int pad_y = (square - crop.height) / 2;
  // The pixel (x, y) of the padded square: black outside the crop.
  const auto at = [&](int x, int y, int c) -> double {
    const int ix = x - pad_x;
    const int iy = y - pad_y;
    if (ix < 0 || iy < 0 || ix >= crop.width || iy >= crop.height) {
      return 0.0;
    }
    const auto offset =
        3 * (static_cast<std::size_t>(crop.y + iy) * static_cast<std::size_t>(image.width) +
             static_cast<std::size_t>(crop.x + ix));
    return image.pixels[offset + static_cast<std::size_t>(c)];
  };
  const std::array<int, 4> dims{1, 3, kLandmarkSide, kLandmarkSide};
  cv::Mat blob(4, dims.data(), CV_32F);
  float* out = blob.ptr<float>();
  const auto plane = static_cast<std::size_t>(kLandmarkSide) * kLandmarkSide;
  // tf.image.resizeBilinear(alignCorners = false, halfPixelCenters = false), in double as the
  // tfjs cpu kernel computes, stored as float32.
  const double scale = static_cast<double>(square) / kLandmarkSide;
  for (int r = 0; r < kLandmarkSide; ++r) {
    const double src_y = scale * r;
    const int top = static_cast<int>(std::floor(src_y));
    const int bottom = std::min(square - 1, static_cast<int>(std::ceil(src_y)));
    const double row_frac = src_y - top;
    for (int col = 0; col < kLandmarkSide; ++col) {
      const double src_x = scale * col;
      const int left = static_cast<int>(std::floor(src_x));
      const int right = std::min(square - 1, static_cast<int>(std::ceil(src_x)));
      const double col_frac = src_x - left;
      for (int c = 0; c < 3; ++c) {
        const double upper = at(left, top, c) + (at(right, top, c) - at(left, top, c)) * col_frac;
        const double lower =
            at(left, bottom, c) + (at(right, bottom, c) - at(left, bottom, c)) * col_frac;
        const auto value = static_cast<float>(upper + (lower - upper) * row_frac);
        out[static_cast<std::size_t>(c) * plane +
            static_cast<std::size_t>(r * kLandmarkSide + col)] =
            (value - static_cast<float>(kLandmarkMeanRgb[static_cast<std::size_t>(c)])) / 255.0f;
      }
    }
  }
  return blob;
}

std::vector<Point> map_landmarks(const std::array<float, 136>& output, const LandmarkCrop& crop) {
  // FaceLandmark68NetBase.postProcess: (out * 112 - pad) / (side * 112 / square), where pad is
  // the exact half difference (not padToSquare's rounded one), then times the crop's side.
  const double square = std::max(crop.width, crop.height);
  const double pad_x = (square - crop.width) / 2;
  const double pad_y = (square - crop.height) / 2;
  std::vector<Point> points;
  points.reserve(LandmarkNetWeights::kPointCount);
  for (std::size_t i = 0; i < LandmarkNetWeights::kPointCount; ++i) {
    points.push_back(Point{static_cast<float>(crop.x + output[2 * i] * square - pad_x),
                           static_cast<float>(crop.y + output[2 * i + 1] * square - pad_y)});
  }
  return points;
}

Result<std::unique_ptr<LandmarkNet>> LandmarkNet::create(const LandmarkNetWeights& weights) {
  std::unique_ptr<LandmarkNet> landmarks(new LandmarkNet());
  try {
    cv::dnn::Net& net = landmarks->net_;
    int id = 0;  // the net's input
    for (const DenseBlock& block : weights.blocks()) {
      id = add_block(net, block, id);
    }
    cv::dnn::LayerParams pool = named("avg_pool", "Pooling");  // tf.avgPool 7x7/2 'valid'
    pool.set("pool", "AVE");
    pool.set("kernel_size", 7);
    pool.set("stride", 2);
    id = add(net, pool, {id});
    cv::dnn::LayerParams fc = named("fc", "InnerProduct");
    fc.set("num_output", weights.fc_weights().rows);
    fc.set("bias_term", true);
    fc.blobs = {weights.fc_weights().clone(), weights.fc_bias().clone()};
    add(net, fc, {id});
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    const std::array<int, 4> dims{1, 3, kLandmarkSide, kLandmarkSide};
    Result<std::array<float, 136>> warm =
        landmarks->run(cv::Mat(4, dims.data(), CV_32F, cv::Scalar(0)));
    if (!warm) {
      return warm.error();
    }
  } catch (const std::exception& e) {
    return make_error(Errc::internal,
                      std::string("face model: OpenCV refused the landmark network: ") + e.what());
  }
  return landmarks;
}

Result<std::array<float, 136>> LandmarkNet::run(const cv::Mat& input) {
  cv::Mat output;
  try {
    net_.setInput(input);
    output = net_.forward();
  } catch (const std::exception& e) {
    return make_error(Errc::internal, std::string("face landmarks failed: ") + e.what());
  }
  if (output.total() != 136 || output.type() != CV_32F) {
    return make_error(Errc::internal, "face landmarks: the net gave " +
                                          std::to_string(output.total()) + " values, not 136");
  }
  std::array<float, 136> values{};
  std::copy_n(output.ptr<float>(), values.size(), values.begin());
  return values;
}

Result<std::vector<Point>> LandmarkNet::locate(const image::RgbImage& image, const Box& box) {
  assert(!image.empty());
  return locate_with(*this, image, box);
}

}  // namespace findme::face::model
