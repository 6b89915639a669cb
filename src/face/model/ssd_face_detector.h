// FaceDetector that runs face-api's SSD MobileNet v1 (OpenCV DNN) over the whole photo and, for
// large photos, over overlapping tiles too, merging the boxes with non-maximum suppression.
#pragma once

#include <memory>
#include <variant>
#include <vector>

#include "core/result.h"
#include "face/face_detector.h"
#include "face/model/gemm_ssd_net.h"
#include "face/model/ssd_net.h"
#include "face/model/ssd_weights.h"

namespace findme::face::model {

// How a photo is searched. The whole-image pass is face-api's locateFaces() exactly (at
// min_confidence 0.5); tiles add
// passes over overlapping squares of the photo so that small faces are seen larger than in one
// 512 px pass over a 1920 px photo. Figures: docs/accuracy.md, docs/benchmarks.md.
struct SsdPolicy {
  // Score above which a box is a face. face-api's default is 0.5; 0.4 found no non-face on the
  // counted photos (nor did 0.3) and one more of 22 small (50-90 px) faces
  // (tests/accuracy/detection_test.cpp). Faces under 0.6 are flagged "low_score" by the engine's
  // quality (face/quality.h), so they match only at the stricter threshold.
  float min_confidence = 0.4f;
  // face-api's defaults (SsdMobilenetv1Options): at most max_results boxes, overlapping boxes
  // merged above IoU 0.5.
  int max_results = 100;
  float max_iou = 0.5f;
  // Tiles: 0 is the whole-image pass only. n >= 2 adds square tiles of side
  // long_side / n * (1 + tile_overlap) (capped at the short side), spread evenly with at least
  // that overlap (0 to 0.5), when the longer side is at least tile_min_long_side. Off by default:
  // on the counted 1920 px photos tiles found no face the whole pass missed, and 2 per long side
  // triple the time; they find 22 of 22 faces of 50-90 px where the whole pass finds 16.
  int tiles_per_long_side = 0;
  float tile_overlap = 0.25f;
  int tile_min_long_side = 1024;
  // Which forward pass runs the net: our own (GemmSsdNet: NHWC, OpenBLAS sgemm; ~85 ms a pass
  // against ~140) or OpenCV DNN's (SsdNet), the reference it agrees with within 1e-5.
  enum class Forward { gemm, opencv };
  Forward forward = Forward::gemm;
};

// One per worker thread: it owns a GemmSsdNet (or an SsdNet). Build each from one shared
// SsdWeights.
class SsdFaceDetector final : public FaceDetector {
 public:
  // Errors: Errc::internal for a policy out of range (the message names the field) or when
  // OpenCV refuses the network.
  static Result<std::unique_ptr<SsdFaceDetector>> create(const SsdWeights& weights,
                                                         const SsdPolicy& policy);

  // See FaceDetector::detect. Boxes are in `image` pixels, clipped to it, best score first;
  // scores are the net's face probability (0..1). A failing net gives no face (logged nowhere:
  // the net has no input-dependent failure once create() ran its warm-up).
  std::vector<Detection> detect(const image::RgbImage& image) override;

  // The whole-image pass alone, boxes in the net's 512 px input square (face-api's
  // locateFaces() before it scales boxes to the image): for the agreement test.
  Result<std::vector<SsdBox>> detect_in_input_square(const image::RgbImage& image);

  const SsdPolicy& policy() const { return policy_; }

 private:
  using Net = std::variant<GemmSsdNet, SsdNet>;
  SsdFaceDetector(Net net, SsdPolicy policy) : net_(std::move(net)), policy_(policy) {}
  Result<std::vector<SsdBox>> run_net(const cv::Mat& input);
  // Boxes of one pass over `region`, in image pixels, above min_confidence, NMS'ed.
  Result<std::vector<Detection>> detect_region(const image::RgbImage& image,
                                               const PixelRegion& region);

  Net net_;
  SsdPolicy policy_;
};

// Succeeds when every field of `policy` is in range; else Errc::internal naming the field.
// Thread-safe (pure).
Result<void> check_ssd_policy(const SsdPolicy& policy);

// The tiles `policy` lays over a width x height image (empty when it asks for none).
// Thread-safe (pure).
std::vector<PixelRegion> ssd_tiles(int width, int height, const SsdPolicy& policy);

}  // namespace findme::face::model
