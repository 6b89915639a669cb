// FaceEmbedder that runs dlib's face-recognition ResNet with its own forward pass: convolutions as
// im2col + single-threaded OpenBLAS sgemm over shared, pre-packed weights. About twice as fast
// as OpenCvFaceEmbedder on one core, with the same descriptors (docs/benchmarks.md).
#pragma once

#include <memory>
#include <vector>

#include "face/face_embedder.h"
#include "face/model/conv_gemm.h"
#include "face/model/packed_recognition_weights.h"

namespace findme::face::model {

struct GemmEmbedderOptions {
  // Chips per pass (>= 1): the late, small layers (8x8 and below) run as one GEMM over all chips
  // of a pass, which is what makes them fast; the early layers run chip by chip, which keeps
  // their activations in cache. A call runs its chips in passes of at most max_batch. create()
  // allocates ~3 MB of buffers per embedder plus ~0.3 MB per chip of max_batch.
  int max_batch = 8;
};

// One per worker thread: embed() works in buffers the embedder owns. The packed weights are
// shared read-only by every embedder built from the same PackedRecognitionWeights.
//
// Threads: OpenBLAS's thread count is process-global; create() sets it to 1 (once per process),
// because findme runs one worker per core, each with its own embedder, which scales best
// (FACE-NOTES: OpenBLAS with two threads per call is erratic).
class GemmFaceEmbedder final : public FaceEmbedder {
 public:
  // Allocates the buffers and runs one warm-up chip. Errors: Errc::internal when `weights` is
  // null or options.max_batch < 1.
  static Result<std::unique_ptr<GemmFaceEmbedder>> create(
      std::shared_ptr<const PackedRecognitionWeights> weights,
      const GemmEmbedderOptions& options = {});

  // See FaceEmbedder::embed. Dlib's input normalisation: (pixel - mean RGB) / 256. A chip's
  // descriptor does not depend on the other chips of the call: each output value is computed by
  // the same operations whatever the batch (to ~1e-6 at most, from OpenBLAS's blocking). No
  // allocation but the result. Errors: Errc::internal for a chip that is not kChipSize x kChipSize
  // RGB (nothing is computed then).
  Result<std::vector<Embedding>> embed(std::span<const image::RgbImage> chips) override;

 private:
  // Activations of up to `capacity` chips: x in, y out, t1 and t2 scratch.
  struct Buffers {
    std::vector<float> x, t1, t2, y;
  };

  explicit GemmFaceEmbedder(std::shared_ptr<const PackedRecognitionWeights> weights);
  void allocate(std::size_t max_batch);
  // Runs chips.size() <= max_batch_ chips into `out`.
  void run(std::span<const image::RgbImage> chips, Embedding* out);
  // One chip through the per-chip layers (stem, max pool, the first blocks); the result is in
  // single_.x.
  NhwcShape run_single(const image::RgbImage& chip);
  // `blocks` on the tensor of `shape` in buffers.x; the result is left in buffers.x.
  NhwcShape run_blocks(std::span<const PackedBlock> blocks, Buffers& buffers, NhwcShape shape);

  std::shared_ptr<const PackedRecognitionWeights> weights_;
  std::size_t max_batch_ = 1;
  std::vector<float> input_;        // one chip, normalised, NHWC
  std::vector<float> stem_;         // one chip's stem output
  std::vector<float> col_;          // im2col rows
  Buffers single_;                  // one chip
  Buffers batched_;                 // max_batch_ chips
  std::vector<float> pooled_;       // [max_batch_, 256] global average
  std::vector<float> descriptors_;  // [max_batch_, 128]
};

}  // namespace findme::face::model
