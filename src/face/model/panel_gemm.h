// C = A x B for GEMMs with few rows in A, the right-hand matrix (a layer's weights) laid out once
// in column panels. OpenBLAS packs both matrices on every call; when A has a few dozen rows (the
// embedder's last layers: a 4x4 map of one face is 16 rows against 2,304 x 256 weights), packing
// the weights costs more than multiplying them. panel_gemm reads each panel straight from the
// layout below, once per call.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace findme::face::model {

// Columns per panel: two vectors of 8 floats, the width of panel_gemm's register tile.
inline constexpr int kPanelWidth = 16;

// A row-major [rows, columns] matrix as columns / kPanelWidth panels, one after the other, each
// its rows x kPanelWidth values row by row.
struct PanelMatrix {
  int rows = 0;
  int columns = 0;  // a multiple of kPanelWidth
  std::vector<float> values;

  // REQUIRES: `row_major` holds rows * columns values and columns % kPanelWidth == 0.
  static PanelMatrix from_row_major(std::span<const float> row_major, int rows, int columns);
  bool empty() const { return values.empty(); }
};

// c[m * ldc + n] = sum over k of a[m * lda + k] * b(k, n), for m < rows and n < b.columns.
// Numerically the plain sum in k order, one fused multiply-add at a time where the CPU has them.
// REQUIRES: lda >= b.rows, ldc >= b.columns; `c` overlaps neither `a` nor `b`.
void panel_gemm(int rows, const float* a, std::size_t lda, const PanelMatrix& b, float* c,
                std::size_t ldc);

}  // namespace findme::face::model
