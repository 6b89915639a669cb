// The channel-last layers against a plain convolution computed in double precision: full_conv()
// (direct 3x3 loops or im2col + gemm) and im2col + gemm, in chunks or not, give the same map.
#include "face/model/channel_last_layers.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace findme::face::model::channel_last {
namespace {

using Index = std::size_t;

Index to_index(int v) { return static_cast<Index>(v); }

std::vector<float> random_values(Index count, std::mt19937& random, float low, float high) {
  std::uniform_real_distribution<float> value(low, high);
  std::vector<float> v(count);
  for (float& x : v) x = value(random);
  return v;
}

Layer random_layer(int in, int out, int kernel, int stride, bool relu6, std::mt19937& random) {
  Layer layer{in, out, kernel, stride, false, relu6, {}, {}};
  layer.weights = random_values(to_index(kernel * kernel * in * out), random, -0.5f, 0.5f);
  layer.bias = random_values(to_index(out), random, -1.0f, 1.0f);
  return layer;
}

// out(y, x, o) = bias(o) + sum over the taps inside the image of in(iy, ix, c) * w(ky, kx, c, o),
// with TF's "same" padding (pad_before), then ReLU6 when the layer has it.
std::vector<double> reference(const Layer& layer, const std::vector<float>& in, const Shape& s,
                              const Shape& o, int rows) {
  const int pad = pad_before(layer);
  const int k = layer.kernel;
  std::vector<double> out(to_index(rows) * to_index(o.width) * to_index(o.channels));
  for (int y = 0; y < rows; ++y) {
    for (int x = 0; x < o.width; ++x) {
      for (int oc = 0; oc < o.channels; ++oc) {
        double sum = layer.bias[to_index(oc)];
        for (int ky = 0; ky < k; ++ky) {
          for (int kx = 0; kx < k; ++kx) {
            const int iy = y * layer.stride + ky - pad;
            const int ix = x * layer.stride + kx - pad;
            if (iy < 0 || iy >= s.height || ix < 0 || ix >= s.width) continue;
            for (int c = 0; c < s.channels; ++c) {
              sum +=
                  double{in[at(iy, ix, s.width, s.channels) + to_index(c)]} *
                  double{
                      layer.weights[to_index(((ky * k + kx) * s.channels + c) * o.channels + oc)]};
            }
          }
        }
        if (layer.relu6) sum = std::clamp(sum, 0.0, 6.0);
        out[at(y, x, o.width, o.channels) + to_index(oc)] = sum;
      }
    }
  }
  return out;
}

void expect_near(const std::vector<float>& got, const std::vector<double>& want,
                 const std::string& what) {
  ASSERT_GE(got.size(), want.size());
  for (Index i = 0; i < want.size(); ++i) {
    ASSERT_NEAR(got[i], want[i], 1e-4) << what << ", value " << i;
  }
}

struct Case {
  int height;
  int width;
  int in;
  int out;
  int stride;
  bool relu6;
  bool direct;  // whether full_conv() takes the direct loops
};

class FullConvTest : public ::testing::TestWithParam<Case> {};

TEST_P(FullConvTest, EqualsThePlainConvolutionAndIm2colWithGemm) {
  const Case c = GetParam();
  std::mt19937 random(static_cast<unsigned>(c.height * 131 + c.width * 17 + c.in + c.stride));
  const Layer layer = random_layer(c.in, c.out, 3, c.stride, c.relu6, random);
  ASSERT_EQ(runs_direct(layer), c.direct);
  const Shape s{c.height, c.width, c.in};
  const Shape o = output_shape(layer, s);
  const std::vector<float> in = random_values(s.size(), random, -2.0f, 2.0f);
  // All the output rows, and the first few only (as GemmSsdNet computes a photo's rows).
  for (const int rows : {o.height, std::max(1, o.height / 2)}) {
    const std::vector<double> want = reference(layer, in, s, o, rows);
    std::vector<float> full(o.size(), -99.0f);
    std::vector<float> scratch;
    full_conv(layer, in.data(), s, o, rows, scratch, full.data());
    expect_near(full, want, "full_conv, " + std::to_string(rows) + " rows");
    for (Index i = want.size(); i < full.size(); ++i) {
      ASSERT_EQ(full[i], -99.0f) << "full_conv wrote past its rows, at " << i;
    }

    const int pixels = rows * o.width;
    const int depth = 9 * c.in;
    std::vector<float> col(to_index(pixels) * to_index(depth));
    std::vector<float> gemmed(o.size());
    im2col(layer, in.data(), s, o, rows, col.data());
    gemm(layer, col.data(), pixels, depth, gemmed.data());
    expect_near(gemmed, want, "im2col and gemm, " + std::to_string(rows) + " rows");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, FullConvTest,
    // Odd and even sides (the stride-2 layers pad only after), the nets' first
    // layer (RGB in, 32 out, stride 2), a wider one, and two layers that go
    // through im2col + gemm (many inputs; part of an output group).
    ::testing::Values(Case{8, 8, 3, 32, 2, true, true}, Case{7, 9, 3, 32, 2, false, true},
                      Case{9, 6, 3, 64, 1, true, true}, Case{5, 11, 4, 32, 1, false, true},
                      Case{1, 1, 3, 32, 1, true, true}, Case{2, 3, 2, 32, 2, true, true},
                      Case{6, 7, 16, 32, 1, true, false}, Case{8, 6, 3, 24, 2, true, false}),
    [](const ::testing::TestParamInfo<Case>& shape) {
      const Case& c = shape.param;
      return std::to_string(c.height) + "x" + std::to_string(c.width) + "x" + std::to_string(c.in) +
             "to" + std::to_string(c.out) + "s" + std::to_string(c.stride) +
             (c.relu6 ? "relu6" : "");
    });

TEST(FullConvTest, RunsDirectOnlyFull3x3LayersWithFewInputsAndWholeOutputGroups) {
  std::mt19937 random(7);
  EXPECT_TRUE(runs_direct(random_layer(3, 32, 3, 2, true, random)));
  EXPECT_FALSE(runs_direct(random_layer(32, 32, 3, 2, true, random)));  // many inputs
  EXPECT_FALSE(runs_direct(random_layer(3, 24, 3, 2, true, random)));   // part of a group
  EXPECT_FALSE(runs_direct(random_layer(3, 32, 1, 1, true, random)));   // 1x1
  Layer depthwise = random_layer(3, 32, 3, 1, true, random);
  depthwise.depthwise = true;
  EXPECT_FALSE(runs_direct(depthwise));
}

// A 1x1 layer over a map larger than gemm()'s chunks: every pixel of every chunk is the plain
// product, with bias and ReLU6.
TEST(ChannelLastGemmTest, AMapOfManyChunksEqualsThePlainProduct) {
  std::mt19937 random(11);
  const Layer layer = random_layer(32, 64, 1, 1, true, random);
  const Shape s{100, 101, 32};  // 10,100 pixels: more than two chunks of 64 channels
  const std::vector<float> in = random_values(s.size(), random, -1.0f, 1.0f);
  const Shape o = output_shape(layer, s);
  std::vector<float> out(o.size());
  gemm(layer, in.data(), s.height * s.width, s.channels, out.data());
  expect_near(out, reference(layer, in, s, o, o.height), "gemm");
}

}  // namespace
}  // namespace findme::face::model::channel_last
