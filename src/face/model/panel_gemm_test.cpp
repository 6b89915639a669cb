// panel_gemm against the product computed in double precision, for every row count of its
// register tiles and the shapes of the embedder's layers.
#include "face/model/panel_gemm.h"

#include <cmath>
#include <cstddef>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace findme::face::model {
namespace {

using Index = std::size_t;

std::vector<float> random_values(Index count, std::mt19937& random) {
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  std::vector<float> v(count);
  for (float& x : v) x = value(random);
  return v;
}

struct Case {
  int rows;
  int depth;
  int columns;
};

class PanelGemmTest : public ::testing::TestWithParam<Case> {};

TEST_P(PanelGemmTest, EqualsTheProductWithinFloatRounding) {
  const auto [rows, depth, columns] = GetParam();
  const auto m = static_cast<Index>(rows);
  const auto k = static_cast<Index>(depth);
  const auto n = static_cast<Index>(columns);
  std::mt19937 random(static_cast<unsigned>(rows * 7919 + depth * 31 + columns));
  // A with a row stride wider than its depth, C with a column stride wider than B's columns: the
  // values beyond them must stay as they were.
  const Index lda = k + 3;
  const Index ldc = n + 5;
  const std::vector<float> a = random_values(m * lda, random);
  const std::vector<float> b = random_values(k * n, random);
  std::vector<float> c(m * ldc, 42.0f);

  panel_gemm(rows, a.data(), lda, PanelMatrix::from_row_major(b, depth, columns), c.data(), ldc);

  for (Index i = 0; i < m; ++i) {
    for (Index j = 0; j < n; ++j) {
      double sum = 0.0;
      double magnitude = 0.0;
      for (Index p = 0; p < k; ++p) {
        sum += double{a[i * lda + p]} * double{b[p * n + j]};
        magnitude += std::abs(double{a[i * lda + p]} * double{b[p * n + j]});
      }
      // The rounding bound of a float sum of `depth` products (Higham's gamma_k): a wrong or a
      // missing term is off by ~0.3 and more.
      const double bound = static_cast<double>(depth) * 0x1p-24 * magnitude;
      ASSERT_NEAR(c[i * ldc + j], sum, bound) << "row " << i << " column " << j;
    }
    for (Index j = n; j < ldc; ++j) {
      ASSERT_EQ(c[i * ldc + j], 42.0f) << "row " << i << " column " << j << " is not C's";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, PanelGemmTest,
                         ::testing::Values(Case{1, 1, 16}, Case{2, 5, 16}, Case{3, 17, 32},
                                           Case{4, 64, 48}, Case{5, 9, 16}, Case{6, 100, 32},
                                           Case{7, 33, 16}, Case{11, 20, 64}, Case{13, 128, 32},
                                           // The embedder's 256-channel layers: one chip's 4x4 and
                                           // 3x3 maps, and four chips' 4x4 maps.
                                           Case{16, 2304, 256}, Case{9, 2304, 256},
                                           Case{64, 1152, 256}),
                         [](const ::testing::TestParamInfo<Case>& shape) {
                           return std::to_string(shape.param.rows) + "x" +
                                  std::to_string(shape.param.depth) + "x" +
                                  std::to_string(shape.param.columns);
                         });

TEST(PanelMatrixTest, KeepsEachPanelsRowsTogether) {
  const int rows = 3;
  const int columns = 2 * kPanelWidth;
  std::vector<float> b(static_cast<Index>(rows * columns));
  for (Index i = 0; i < b.size(); ++i) b[i] = static_cast<float>(i);

  const PanelMatrix m = PanelMatrix::from_row_major(b, rows, columns);

  ASSERT_EQ(m.values.size(), b.size());
  EXPECT_EQ(m.rows, rows);
  EXPECT_EQ(m.columns, columns);
  const auto width = static_cast<Index>(kPanelWidth);
  for (Index panel = 0; panel < 2; ++panel) {
    for (Index row = 0; row < static_cast<Index>(rows); ++row) {
      for (Index x = 0; x < width; ++x) {
        EXPECT_EQ(m.values[(panel * static_cast<Index>(rows) + row) * width + x],
                  b[row * static_cast<Index>(columns) + panel * width + x]);
      }
    }
  }
}

TEST(PanelGemmTest, NoRowsWritesNothing) {
  const std::vector<float> b(std::size_t{16} * 4, 1.0f);
  std::vector<float> c(16, 7.0f);
  panel_gemm(0, nullptr, 4, PanelMatrix::from_row_major(b, 4, 16), c.data(), 16);
  for (float v : c) EXPECT_EQ(v, 7.0f);
}

}  // namespace
}  // namespace findme::face::model
