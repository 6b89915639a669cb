#include "face/model/opencv_face_embedder.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <exception>
#include <string>
#include <utility>

#include <opencv2/core.hpp>

namespace findme::face::model {
namespace {

// dlib's input_rgb_image_sized<150>: subtract the mean of its training chips, divide by 256.
constexpr std::array<float, 3> kChipMeanRgb{122.782f, 117.001f, 104.298f};
constexpr float kPixelScale = 1.0f / 256.0f;
constexpr int kChipSide = RecognitionWeights::kInputSize;

// Adds layers to a cv::dnn::Net and tracks the spatial size of what it has built so far.
class NetBuilder {
 public:
  int conv_affine(const ConvAffine& conv, int input, bool relu) {
    cv::dnn::LayerParams params = named(conv.name, "Convolution");
    params.set("kernel_size", conv.kernel);
    params.set("stride", conv.stride);
    params.set("pad", conv.padding());
    params.set("num_output", conv.out_channels);
    params.set("bias_term", true);
    params.blobs = {conv.filters.clone(), conv.bias.clone()};  // each net owns its weights
    int id = add(params, input);
    cv::dnn::LayerParams scale = named(conv.name + "/scale", "Scale");
    scale.set("bias_term", true);
    scale.blobs = {conv.gamma.clone(), conv.beta.clone()};
    id = add(scale, id);
    return relu ? this->relu(conv.name + "/relu", id) : id;
  }

  int relu(const std::string& name, int input) {
    cv::dnn::LayerParams params = named(name, "ReLU");
    return add(params, input);
  }

  // `kernel` 0 means global pooling. Rounds down like dlib (OpenCV's default rounds up).
  int pool(const std::string& name, const char* kind, int kernel, int input) {
    cv::dnn::LayerParams params = named(name, "Pooling");
    params.set("pool", kind);
    if (kernel == 0) {
      params.set("global_pooling", true);
    } else {
      params.set("kernel_size", kernel);
      params.set("stride", 2);
      params.set("ceil_mode", false);
    }
    return add(params, input);
  }

  // Zero rows at the bottom and columns at the right of an NCHW blob.
  int pad_bottom_right(const std::string& name, int amount, int input) {
    cv::dnn::LayerParams params = named(name, "Padding");
    const std::array<int, 8> paddings{0, 0, 0, 0, 0, amount, 0, amount};
    params.set("paddings", cv::dnn::DictValue::arrayInt(paddings.data(), 8));
    return add(params, input);
  }

  // dlib's add_prev: the sum has the larger input's channels, missing ones count as zero.
  int sum(const std::string& name, int wide, int narrow) {
    cv::dnn::LayerParams params = named(name, "Eltwise");
    params.set("operation", "sum");
    params.set("output_channels_mode", "input_0");
    const int id = add(params, wide);
    net_.connect(narrow, 0, id, 1);
    return id;
  }

  int fc(const cv::Mat& weights, int input) {
    cv::dnn::LayerParams params = named("fc", "InnerProduct");
    params.set("num_output", weights.rows);
    params.set("bias_term", false);
    params.set("axis", 1);
    params.blobs = {weights.clone()};
    return add(params, input);
  }

  const cv::dnn::Net& net() const { return net_; }

 private:
  static cv::dnn::LayerParams named(const std::string& name, const char* type) {
    cv::dnn::LayerParams params;
    params.name = name;
    params.type = type;
    return params;
  }
  int add(cv::dnn::LayerParams& params, int input) {
    const int id = net_.addLayer(params.name, params.type, params);
    net_.connect(input, 0, id, 0);
    return id;
  }
  cv::dnn::Net net_;
};

int conv_size(int input, const ConvAffine& conv) {
  return (input + 2 * conv.padding() - conv.kernel) / conv.stride + 1;
}

// conv-affine-relu-conv-affine + shortcut, relu. Returns the block's output layer; `size` is the
// spatial side going in and coming out.
int add_block(NetBuilder& builder, const ResidualBlock& block, int input, int& size) {
  int path = builder.conv_affine(block.conv1, input, true);
  path = builder.conv_affine(block.conv2, path, false);
  int shortcut = input;
  if (block.downsample) {
    shortcut = builder.pool(block.name + "/shortcut", "ave", 2, input);
    const int path_size = conv_size(conv_size(size, block.conv1), block.conv2);
    size /= 2;
    if (path_size < size) {
      path = builder.pad_bottom_right(block.name + "/pad", size - path_size, path);
    }
  }
  const int sum = builder.sum(block.name + "/sum", path, shortcut);
  return builder.relu(block.name + "/relu", sum);
}

cv::dnn::Net build_net(const RecognitionWeights& weights) {
  NetBuilder builder;
  int id = builder.conv_affine(weights.stem(), 0, true);
  id = builder.pool("stem/max_pool", "max", 3, id);
  int size = (conv_size(kChipSide, weights.stem()) - 3) / 2 + 1;
  for (const ResidualBlock& block : weights.blocks()) {
    id = add_block(builder, block, id, size);
  }
  id = builder.pool("global_avg_pool", "ave", 0, id);
  builder.fc(weights.fc(), id);
  cv::dnn::Net net = builder.net();  // shares the implementation
  net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  return net;
}

bool is_chip(const image::RgbImage& chip) {
  return chip.width == kChipSize && chip.height == kChipSize &&
         chip.pixels.size() == chip.byte_size();
}

// NCHW float blob of normalised chips.
cv::Mat to_blob(std::span<const image::RgbImage> chips) {
  const std::array<int, 4> dims{static_cast<int>(chips.size()), 3, kChipSide, kChipSide};
  cv::Mat blob(4, dims.data(), CV_32F);
  constexpr std::size_t kPlane = std::size_t{kChipSide} * kChipSide;
  float* out = blob.ptr<float>();
  for (const image::RgbImage& chip : chips) {
    for (std::size_t c = 0; c < 3; ++c) {
      for (std::size_t i = 0; i < kPlane; ++i) {
        out[i] = (static_cast<float>(chip.pixels[3 * i + c]) - kChipMeanRgb[c]) * kPixelScale;
      }
      out += kPlane;
    }
  }
  return blob;
}

Error bad_chip(std::size_t index, const image::RgbImage& chip) {
  return make_error(Errc::internal,
                    "face chip " + std::to_string(index) + " is " + std::to_string(chip.width) +
                        "x" + std::to_string(chip.height) + ", expected a 150x150 RGB chip");
}

}  // namespace

Result<std::unique_ptr<OpenCvFaceEmbedder>> OpenCvFaceEmbedder::create(
    const RecognitionWeights& weights, const OpenCvEmbedderOptions& options) {
  static_assert(kChipSize == RecognitionWeights::kInputSize);
  if (options.net_batch < 1) {
    return make_error(Errc::internal, "face model: net_batch must be at least 1");
  }
  std::unique_ptr<OpenCvFaceEmbedder> embedder(new OpenCvFaceEmbedder());
  embedder->net_batch_ = static_cast<std::size_t>(options.net_batch);
  const image::RgbImage grey{
      kChipSize, kChipSize, std::vector<std::uint8_t>(std::size_t{kChipSide} * kChipSide * 3, 128)};
  try {
    embedder->single_ = build_net(weights);
    std::vector<Embedding> warm(embedder->net_batch_);
    embedder->run(embedder->single_, {&grey, 1}, warm.data());
    if (embedder->net_batch_ > 1) {
      embedder->batched_ = build_net(weights);
      const std::vector<image::RgbImage> greys(embedder->net_batch_, grey);
      embedder->run(embedder->batched_, greys, warm.data());
    }
  } catch (const std::exception& e) {
    return make_error(Errc::internal,
                      std::string("face model: OpenCV refused the network: ") + e.what());
  }
  return embedder;
}

void OpenCvFaceEmbedder::run(cv::dnn::Net& net, std::span<const image::RgbImage> chips,
                             Embedding* out) {
  net.setInput(to_blob(chips));
  const cv::Mat result = net.forward("fc");
  for (std::size_t i = 0; i < chips.size(); ++i) {
    const float* row = result.ptr<float>(static_cast<int>(i));
    std::copy(row, row + kEmbeddingSize, out[i].begin());
  }
}

Result<std::vector<Embedding>> OpenCvFaceEmbedder::embed(std::span<const image::RgbImage> chips) {
  for (std::size_t i = 0; i < chips.size(); ++i) {
    if (!is_chip(chips[i])) {
      return bad_chip(i, chips[i]);
    }
  }
  std::vector<Embedding> embeddings(chips.size());
  try {
    std::size_t first = 0;
    for (; net_batch_ > 1 && chips.size() - first >= net_batch_; first += net_batch_) {
      run(batched_, chips.subspan(first, net_batch_), &embeddings[first]);
    }
    for (; first < chips.size(); ++first) {
      run(single_, chips.subspan(first, 1), &embeddings[first]);
    }
  } catch (const std::exception& e) {
    return make_error(Errc::internal, std::string("face model: embedding failed: ") + e.what());
  }
  return embeddings;
}

void use_single_threaded_opencv() { cv::setNumThreads(1); }

}  // namespace findme::face::model
