#include "face/model/panel_gemm.h"

#include <cassert>
#include <cstring>

#include "core/vectorised.h"

namespace findme::face::model {
namespace {

using Index = std::size_t;
// Eight floats: one AVX register in the x86-64-v3 clone, two SSE registers in the baseline one.
using Vec = float __attribute__((vector_size(32)));
constexpr Index kVecFloats = sizeof(Vec) / sizeof(float);
static_assert(kPanelWidth == 2 * kVecFloats);
// Rows of C per register tile: 6 x 2 sums, 2 panel vectors and a broadcast fill 15 of the 16
// AVX registers.
constexpr Index kTileRows = 6;

// By reference: a 32-byte vector returned by value would change the baseline clone's ABI.
[[gnu::always_inline]] inline void load(Vec& v, const float* p) { std::memcpy(&v, p, sizeof v); }
[[gnu::always_inline]] inline void store(float* p, const Vec& v) { std::memcpy(p, &v, sizeof v); }

// C's rows [0, R) x one panel's columns: the sums stay in registers over the whole depth (fully
// unrolled, so that no sum lives in memory).
template <Index R>
[[gnu::always_inline]] inline void tile(const float* __restrict a, Index lda,
                                        const float* __restrict panel, const float* next,
                                        Index depth, float* __restrict c, Index ldc) {
  Vec low[R];
  Vec high[R];
#pragma GCC unroll 6
  for (Index r = 0; r < R; ++r) {
    low[r] = Vec{};
    high[r] = Vec{};
  }
  for (Index k = 0; k < depth; ++k, panel += kPanelWidth, next += kPanelWidth) {
    __builtin_prefetch(next);
    Vec b0;
    Vec b1;
    load(b0, panel);
    load(b1, panel + kVecFloats);
#pragma GCC unroll 6
    for (Index r = 0; r < R; ++r) {
      const float x = a[r * lda + k];
      low[r] += x * b0;
      high[r] += x * b1;
    }
  }
#pragma GCC unroll 6
  for (Index r = 0; r < R; ++r) {
    store(c + r * ldc, low[r]);
    store(c + r * ldc + kVecFloats, high[r]);
  }
}

// tile<rows>() for the last rows (fewer than R + 1) of C, none when rows is 0.
template <Index R>
[[gnu::always_inline]] inline void last_tile(Index rows, const float* a, Index lda,
                                             const float* panel, const float* next, Index depth,
                                             float* c, Index ldc) {
  if constexpr (R > 0) {
    if (rows == R) {
      tile<R>(a, lda, panel, next, depth, c, ldc);
    } else {
      last_tile<R - 1>(rows, a, lda, panel, next, depth, c, ldc);
    }
  }
}

FINDME_VECTORISED void multiply(Index rows, const float* __restrict a, Index lda,
                                const float* __restrict panels, Index depth, Index panel_count,
                                float* __restrict c, Index ldc) {
  // Panel by panel: a panel (depth x 16 floats, 147 KB for the widest layer) stays in the L2
  // cache while every row tile reads it.
  for (Index p = 0; p < panel_count; ++p) {
    const float* panel = panels + p * depth * kPanelWidth;
    // The next panel comes in from memory while this one is multiplied from the cache.
    const float* next = p + 1 < panel_count ? panel + depth * kPanelWidth : panel;
    float* out = c + p * kPanelWidth;
    Index m = 0;
    for (; m + kTileRows <= rows; m += kTileRows) {
      tile<kTileRows>(a + m * lda, lda, panel, next, depth, out + m * ldc, ldc);
    }
    last_tile<kTileRows - 1>(rows - m, a + m * lda, lda, panel, next, depth, out + m * ldc, ldc);
  }
}

}  // namespace

PanelMatrix PanelMatrix::from_row_major(std::span<const float> row_major, int rows, int columns) {
  assert(rows >= 0 && columns >= 0 && columns % kPanelWidth == 0);
  const auto depth = static_cast<Index>(rows);
  const auto width = static_cast<Index>(columns);
  assert(row_major.size() == depth * width);
  PanelMatrix m{rows, columns, std::vector<float>(depth * width)};
  for (Index p = 0; p < width / kPanelWidth; ++p) {
    for (Index k = 0; k < depth; ++k) {
      std::memcpy(&m.values[(p * depth + k) * kPanelWidth], &row_major[k * width + p * kPanelWidth],
                  kPanelWidth * sizeof(float));
    }
  }
  return m;
}

void panel_gemm(int rows, const float* a, std::size_t lda, const PanelMatrix& b, float* c,
                std::size_t ldc) {
  assert(rows >= 0 && lda >= static_cast<Index>(b.rows) && ldc >= static_cast<Index>(b.columns));
  multiply(static_cast<Index>(rows), a, lda, b.values.data(), static_cast<Index>(b.rows),
           static_cast<Index>(b.columns / kPanelWidth), c, ldc);
}

}  // namespace findme::face::model
