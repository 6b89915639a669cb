// Writes dlib's float face-recognition ResNet (dlib_face_recognition_resnet_model_v1.dat) in the
// layout of face-api's TF.js package (face_recognition_model-weights_manifest.json + .bin, every
// tensor float32, the same names and shapes), so that findme can run the float original in place
// of face-api's uint8-quantised copy. A one-off measurement tool (docs/accuracy.md, "dlib's float
// weights"), not part of the build: see tools/reference/README.md for the commands.
//
//   dlib_float_weights MODEL.dat OUT_PREFIX
//
// dlib visits its layers from the output back to the input; the 29 convolutions, each followed
// by an affine layer, come out in face-api's order once reversed. affine_ hides gamma and beta
// (get_layer_params() is empty), so they are read off its output: y = gamma * x + beta.
#include <dlib/dnn.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace {

using namespace dlib;

// The network of dlib's dnn_face_recognition_ex.cpp, which the .dat file deserialises into.
template <template <int, template <typename> class, int, typename> class B, int N,
          template <typename> class BN, typename S>
using residual = add_prev1<B<N, BN, 1, tag1<S>>>;
template <template <int, template <typename> class, int, typename> class B, int N,
          template <typename> class BN, typename S>
using residual_down = add_prev2<avg_pool<2, 2, 2, 2, skip1<tag2<B<N, BN, 2, tag1<S>>>>>>;
template <int N, template <typename> class BN, int stride, typename S>
using block = BN<con<N, 3, 3, 1, 1, relu<BN<con<N, 3, 3, stride, stride, S>>>>>;
template <int N, typename S>
using ares = relu<residual<block, N, affine, S>>;
template <int N, typename S>
using ares_down = relu<residual_down<block, N, affine, S>>;
template <typename S>
using alevel0 = ares_down<256, S>;
template <typename S>
using alevel1 = ares<256, ares<256, ares_down<256, S>>>;
template <typename S>
using alevel2 = ares<128, ares<128, ares_down<128, S>>>;
template <typename S>
using alevel3 = ares<64, ares<64, ares<64, ares_down<64, S>>>>;
template <typename S>
using alevel4 = ares<32, ares<32, ares<32, S>>>;
using anet_type = loss_metric<fc_no_bias<
    128, avg_pool_everything<alevel0<alevel1<alevel2<alevel3<alevel4<max_pool<
             3, 3, 2, 2, relu<affine<con<32, 7, 7, 2, 2, input_rgb_image_sized<150>>>>>>>>>>>>>;

struct Conv {
  long kernel = 0, in = 0, out = 0;
  std::vector<float> filters;  // dlib's [out, in, kernel, kernel]
  std::vector<float> bias, gamma, beta;
};

template <typename Layer>
constexpr bool is_conv = requires(Layer& l) {
  l.num_filters();
  l.nr();
  l.stride_y();
};

// gamma and beta of an affine layer over `channels` channels.
void probe_affine(affine_& layer, long channels, std::vector<float>& gamma,
                  std::vector<float>& beta) {
  resizable_tensor zeros(1, channels, 1, 1), ones(1, channels, 1, 1), at0, at1;
  zeros = 0;
  ones = 1;
  at0.copy_size(zeros);
  at1.copy_size(ones);
  layer.forward_inplace(zeros, at0);
  layer.forward_inplace(ones, at1);
  gamma.resize(static_cast<std::size_t>(channels));
  beta.resize(static_cast<std::size_t>(channels));
  for (long c = 0; c < channels; ++c) {
    beta[c] = at0.host()[c];
    gamma[c] = at1.host()[c] - at0.host()[c];
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s MODEL.dat OUT_PREFIX\n", argv[0]);
    return 2;
  }
  anet_type net;
  deserialize(argv[1]) >> net;

  std::vector<Conv> convs;  // output to input
  std::vector<float> fc;
  long fc_inputs = 0, fc_outputs = 0;
  std::vector<std::pair<std::vector<float>, std::vector<float>>> affines;
  // An affine layer is visited before the convolution it follows: its width is the next conv's.
  std::vector<long> conv_widths;
  visit_computational_layers(net, [&](auto& l) {
    if constexpr (is_conv<std::decay_t<decltype(l)>>) conv_widths.push_back(l.num_filters());
  });
  visit_computational_layers(net, [&](auto& l) {
    using Layer = std::decay_t<decltype(l)>;
    const tensor& params = l.get_layer_params();
    if constexpr (std::is_same_v<Layer, affine_>) {
      affines.emplace_back();
      probe_affine(l, conv_widths[convs.size()], affines.back().first, affines.back().second);
    } else if constexpr (std::is_same_v<Layer, fc_<128, FC_NO_BIAS>>) {
      fc.assign(params.host(), params.host() + params.size());  // [inputs, outputs], as TF.js
      fc_inputs = params.num_samples();
      fc_outputs = params.k();
    } else if constexpr (is_conv<Layer>) {
      Conv conv;
      conv.out = l.num_filters();
      conv.kernel = l.nr();
      const long weights = static_cast<long>(params.size()) - conv.out;
      conv.in = weights / (conv.out * conv.kernel * conv.kernel);
      conv.filters.assign(params.host(), params.host() + weights);
      conv.bias.assign(params.host() + weights, params.host() + params.size());
      convs.push_back(std::move(conv));
    }
  });
  if (convs.size() != 29 || affines.size() != 29 || fc.size() != 256 * 128) {
    std::fprintf(stderr, "unexpected network: %zu convolutions, %zu affine layers\n",
                 convs.size(), affines.size());
    return 1;
  }
  std::reverse(convs.begin(), convs.end());
  std::reverse(affines.begin(), affines.end());

  std::vector<std::string> names{"conv32_down"};
  for (const char* block : {"conv32_1", "conv32_2", "conv32_3", "conv64_down", "conv64_1",
                            "conv64_2", "conv64_3", "conv128_down", "conv128_1", "conv128_2",
                            "conv256_down", "conv256_1", "conv256_2", "conv256_down_out"}) {
    names.push_back(std::string(block) + "/conv1");
    names.push_back(std::string(block) + "/conv2");
  }
  const std::string prefix = argv[2];
  std::ofstream bin(prefix + ".bin", std::ios::binary);
  std::string manifest = R"([{"paths":["face_recognition_model.bin"],"weights":[)";
  const auto put = [&](const std::string& name, const std::vector<long>& shape,
                       const std::vector<float>& values) {
    bin.write(reinterpret_cast<const char*>(values.data()),
              static_cast<std::streamsize>(values.size() * sizeof(float)));
    manifest += R"({"name":")" + name + R"(","shape":[)";
    for (std::size_t i = 0; i < shape.size(); ++i) {
      manifest += (i ? "," : "") + std::to_string(shape[i]);
    }
    manifest += R"(],"dtype":"float32"},)";
  };
  for (std::size_t i = 0; i < convs.size(); ++i) {
    const Conv& c = convs[i];
    std::vector<float> hwio(c.filters.size());  // TF.js: [kernel, kernel, in, out]
    for (long o = 0; o < c.out; ++o)
      for (long n = 0; n < c.in; ++n)
        for (long y = 0; y < c.kernel; ++y)
          for (long x = 0; x < c.kernel; ++x)
            hwio[((y * c.kernel + x) * c.in + n) * c.out + o] =
                c.filters[((o * c.in + n) * c.kernel + y) * c.kernel + x];
    put(names[i] + "/conv/filters", {c.kernel, c.kernel, c.in, c.out}, hwio);
    put(names[i] + "/conv/bias", {c.out}, c.bias);
    put(names[i] + "/scale/weights", {c.out}, affines[i].first);
    put(names[i] + "/scale/biases", {c.out}, affines[i].second);
  }
  put("fc", {fc_inputs, fc_outputs}, fc);
  manifest.back() = ']';
  manifest += "}]";
  std::ofstream(prefix + "-weights_manifest.json") << manifest;
  std::printf("wrote %s.bin and %s-weights_manifest.json\n", prefix.c_str(), prefix.c_str());
  return 0;
}
