// The arithmetic around face-api's SSD net, outside OpenCV: the input tensor (pad to square,
// TF.js bilinear resize, scale to [-1, 1]), box decoding against the anchors, and face-api's
// non-maximum suppression. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "image/image.h"

namespace findme::face::model {

// A box in the net's input square, in units of its side (0..1, may spill over), with its score.
struct SsdBox {
  float ymin = 0;
  float xmin = 0;
  float ymax = 0;
  float xmax = 0;
  float score = 0;
};

// A rectangle of whole pixels inside an image.
struct PixelRegion {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
};

// face-api's NetInput.toBatchTensor(side, false) + SsdMobilenetv1's scaling, over `region` of
// `image`: the region is padded with zeros at its bottom or right to a square, resized to
// side x side with TF.js' resizeBilinear (alignCorners and halfPixelCenters false: source
// coordinate = output index * ratio), then scaled as x / 127.5 - 1. Returns an NCHW CV_32F blob
// [1, 3, side, side]. REQUIRES: region non-empty and inside image; image.pixels holds the image.
cv::Mat make_ssd_input(const image::RgbImage& image, const PixelRegion& region, int side);

// TF object detection's box decoding as face-api's outputLayer.ts does it: `encoding` is
// ty, tx, th, tw and `anchor` ymin, xmin, ymax, xmax; scale factors 10, 10, 5, 5.
SsdBox decode_box(const float* encoding, const float* anchor);

// Intersection over union, 0 when either box is empty (face-api's IOU()).
float intersection_over_union(const SsdBox& a, const SsdBox& b);

// face-api's nonMaxSuppression: boxes scoring above `min_score`, best first (ties keep index
// order), each kept unless it overlaps an already kept one by IoU > `max_iou`; at most
// `max_results`. Returns indices into `boxes`.
std::vector<std::size_t> non_max_suppression(const std::vector<SsdBox>& boxes, float max_iou,
                                             float min_score, std::size_t max_results);

}  // namespace findme::face::model
