// The faces of an image sent with a request (the Rekognition-compatible API), in coordinates
// relative to the image's size: decoding within the limits, analysis, and the per-face figures
// that API reports (brightness, sharpness, a head pose estimated from the landmarks).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "core/entities.h"
#include "core/result.h"
#include "domain/face_work.h"
#include "face/face_engine.h"
#include "image/image_decoder.h"

namespace findme::domain {

// A point or box as fractions of the image's width and height (0..1 inside the image).
struct RatioPoint {
  float x = 0;
  float y = 0;
};
struct RatioBox {
  float left = 0;
  float top = 0;
  float width = 0;
  float height = 0;
};

struct ImageFace {
  RatioBox box;
  float confidence = 0;            // the detector's score as a percentage (0-100)
  std::vector<RatioPoint> points;  // 68 landmarks, dlib/iBUG order
  float roll = 0;                  // degrees, from the eye line (positive: clockwise)
  float yaw = 0;                   // degrees, estimated from the nose between the eyes
  float pitch = 0;                 // degrees, estimated from the nose between eyes and mouth
  float brightness = 0;            // mean luma of the face box, 0-100
  float sharpness = 0;             // 0-100, from the aligned chip's Laplacian variance
  float size_px = 0;               // side of the detection box in the analysed image
  face::FaceQuality quality;       // usable, and why not
  FaceVector embedding{};
};

struct ImageFaces {
  int width = 0;  // the image's upright size
  int height = 0;
  std::vector<ImageFace> faces;  // largest first
};

struct ImageFacesOptions {
  image::DecodeOptions decode;  // max_pixels = MAX_IMAGE_PIXELS
  int detect_long_side = 1920;  // as the photo indexing jobs
  // A selfie (Shot::selfie) is decoded as the match_selfie job decodes one (domain/selfie_face.h):
  // first at the loader's cheapest shrink that keeps selfie_first_long_side (a 12 MP JPEG straight
  // to 1/8), and again at selfie_long_side only when that shows no usable face of
  // selfie_min_face_px.
  int selfie_first_long_side = 320;
  int selfie_long_side = 1280;
  float selfie_min_face_px = 112;
  // A selfie's face fills much of the frame. When the largest face the selfie path finds is
  // narrower than this fraction of the image (a group photo sent as a "selfie"), the image is
  // analysed as an event photo instead: the selfie detector's boxes on small faces are loose,
  // and their descriptors stray (a group photo compared with itself scored 72-75 % that way).
  float selfie_min_face_width = 0.25f;
};

// Decodes `bytes` and finds their faces with `engine`. Errors: the decoder's
// (Errc::unsupported_media_type, Errc::invalid_image), the engine's. Thread-safe as the engine
// is (call it on the engine's thread).
Result<ImageFaces> find_image_faces(const image::ImageDecoder& decoder, face::FaceEngine& engine,
                                    std::span<const std::byte> bytes, Shot shot,
                                    const ImageFacesOptions& options);

// The ImageFace of an analysed face (exposed for tests). `image` is the analysed image, whose
// width and height are the ratios' unit.
ImageFace to_image_face(const face::Face& face, const image::RgbImage& image);

}  // namespace findme::domain
