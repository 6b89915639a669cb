#include "face/model/ssd_net.h"

#include <array>
#include <cmath>
#include <exception>
#include <string>

namespace findme::face::model {
namespace {

cv::dnn::LayerParams named(const std::string& name, const char* type) {
  cv::dnn::LayerParams params;
  params.name = name;
  params.type = type;
  return params;
}

int add(cv::dnn::Net& net, cv::dnn::LayerParams& params, int input) {
  const int id = net.addLayer(params.name, params.type, params);
  net.connect(input, 0, id, 0);
  return id;
}

// TF "same" padding: at stride 2 on an even side, TF pads 0 before and 1 after (the total
// (out - 1) * stride + kernel - in = 1 goes to the end); OpenCV's pad is symmetric, so that
// one row and column come from an explicit zero Padding layer and the convolution pads none.
// At stride 1 a 3x3 kernel pads 1 on each side, which OpenCV does itself.
int add_conv(cv::dnn::Net& net, const SsdConv& conv, int input) {
  if (conv.stride == 2) {
    cv::dnn::LayerParams pad = named(conv.name + "/same_pad", "Padding");
    const std::array<int, 8> paddings{0, 0, 0, 0, 0, 1, 0, 1};  // NCHW: bottom and right
    pad.set("paddings", cv::dnn::DictValue::arrayInt(paddings.data(), 8));
    input = add(net, pad, input);
  }
  cv::dnn::LayerParams params = named(conv.name, "Convolution");
  params.set("kernel_size", conv.kernel);
  params.set("stride", conv.stride);
  params.set("pad", conv.stride == 1 ? conv.kernel / 2 : 0);
  params.set("num_output", conv.out_channels);
  params.set("group", conv.depthwise ? conv.in_channels : 1);
  params.set("bias_term", true);
  params.blobs = {conv.filters.clone(), conv.bias.clone()};  // each net owns its weights
  int id = add(net, params, input);
  if (conv.relu6) {
    cv::dnn::LayerParams relu6 = named(conv.name + "/relu6", "ReLU6");
    relu6.set("min_value", 0.0f);
    relu6.set("max_value", 6.0f);
    id = add(net, relu6, id);
  }
  return id;
}

}  // namespace

Result<SsdNet> SsdNet::create(const SsdWeights& weights) {
  SsdNet ssd;
  try {
    cv::dnn::Net& net = ssd.net_;
    int id = 0;  // the net's input
    std::array<int, SsdWeights::kPredictorCount> sources{};
    for (std::size_t i = 0; i < weights.backbone().size(); ++i) {
      id = add_conv(net, weights.backbone()[i], id);
      if (i == SsdWeights::kConv11) {
        sources[0] = id;
      }
    }
    sources[1] = id;
    for (std::size_t i = 0; i < weights.extras().size(); ++i) {
      id = add_conv(net, weights.extras()[i], id);
      if (i % 2 == 1) {
        sources[2 + i / 2] = id;
      }
    }
    for (std::size_t i = 0; i < weights.predictors().size(); ++i) {
      const SsdBoxPredictor& predictor = weights.predictors()[i];
      add_conv(net, predictor.boxes, sources[i]);
      add_conv(net, predictor.classes, sources[i]);
      ssd.outputs_.push_back(predictor.boxes.name);
      ssd.outputs_.push_back(predictor.classes.name);
    }
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    ssd.anchors_ = weights.anchors().clone();
    const std::array<int, 4> dims{1, 3, SsdWeights::kInputSize, SsdWeights::kInputSize};
    Result<std::vector<SsdBox>> warm = ssd.run(cv::Mat(4, dims.data(), CV_32F, cv::Scalar(0)));
    if (!warm) {
      return warm.error();
    }
  } catch (const std::exception& e) {
    return make_error(Errc::internal,
                      std::string("face model: OpenCV refused the SSD network: ") + e.what());
  }
  return ssd;
}

Result<std::vector<SsdBox>> SsdNet::run(const cv::Mat& input) {
  std::vector<cv::Mat> blobs;
  try {
    net_.setInput(input);
    net_.forward(blobs, outputs_);
  } catch (const std::exception& e) {
    return make_error(Errc::internal, std::string("face detection failed: ") + e.what());
  }
  std::vector<SsdBox> boxes;
  boxes.reserve(SsdWeights::kAnchorCount);
  // Blobs are NCHW; face-api reshapes NHWC maps to [anchors, 4] and [anchors, 3], so anchor
  // (y, x, k) of a map is number (y * W + x) * anchors_per_cell + k, its encoding value j sits in
  // channel 4k + j and its face logit in channel 3k + 1.
  for (std::size_t p = 0; p + 1 < blobs.size(); p += 2) {
    const cv::Mat& enc = blobs[p];
    const cv::Mat& cls = blobs[p + 1];
    const int per_cell = enc.size[1] / 4;
    const auto plane =
        static_cast<std::size_t>(enc.size[2]) * static_cast<std::size_t>(enc.size[3]);
    const float* e = enc.ptr<float>();
    const float* c = cls.ptr<float>();
    for (std::size_t cell = 0; cell < plane; ++cell) {
      for (int k = 0; k < per_cell; ++k) {
        const auto ch = static_cast<std::size_t>(k);
        const std::array<float, 4> encoding{
            e[(4 * ch) * plane + cell], e[(4 * ch + 1) * plane + cell],
            e[(4 * ch + 2) * plane + cell], e[(4 * ch + 3) * plane + cell]};
        const int anchor = static_cast<int>(boxes.size());
        if (anchor >= anchors_.rows) {
          return make_error(Errc::internal, "face detection: more boxes than anchors");
        }
        SsdBox box = decode_box(encoding.data(), anchors_.ptr<float>(anchor));
        box.score = 1.0f / (1.0f + std::exp(-c[(3 * ch + 1) * plane + cell]));
        boxes.push_back(box);
      }
    }
  }
  if (boxes.size() != SsdWeights::kAnchorCount) {
    return make_error(Errc::internal, "face detection: the net gave " +
                                          std::to_string(boxes.size()) + " boxes, expected " +
                                          std::to_string(SsdWeights::kAnchorCount));
  }
  return boxes;
}

}  // namespace findme::face::model
