#include "domain/image_faces.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "domain/selfie_face.h"

namespace findme::domain {
namespace {

// iBUG 68-point indices.
constexpr std::size_t kRightEyeFirst = 36;  // the subject's right eye: 36-41 (image left)
constexpr std::size_t kLeftEyeFirst = 42;   // the subject's left eye: 42-47
constexpr std::size_t kNoseTip = 30;
constexpr std::size_t kMouthLeftCorner = 48;
constexpr std::size_t kMouthRightCorner = 54;

face::Point mean_of(std::span<const face::Point> points) {
  face::Point sum;
  for (const face::Point& p : points) {
    sum.x += p.x;
    sum.y += p.y;
  }
  const auto n = static_cast<float>(std::max<std::size_t>(points.size(), 1));
  return {sum.x / n, sum.y / n};
}

float degrees(double radians) { return static_cast<float>(radians * 180.0 / std::numbers::pi); }

// Mean BT.601 luma of the box's pixels inside the image, as a percentage.
float mean_brightness(const image::RgbImage& image, const face::Box& box) {
  const int x0 = std::clamp(static_cast<int>(box.x), 0, image.width);
  const int y0 = std::clamp(static_cast<int>(box.y), 0, image.height);
  const int x1 = std::clamp(static_cast<int>(box.x + box.width), 0, image.width);
  const int y1 = std::clamp(static_cast<int>(box.y + box.height), 0, image.height);
  double sum = 0;
  std::size_t count = 0;
  // Every other pixel in both directions: plenty for a mean.
  for (int y = y0; y < y1; y += 2) {
    for (int x = x0; x < x1; x += 2) {
      const std::size_t o = image.offset(x, y);
      sum += 0.299 * image.pixels[o] + 0.587 * image.pixels[o + 1] + 0.114 * image.pixels[o + 2];
      ++count;
    }
  }
  return count == 0 ? 0.0f : static_cast<float>(sum / static_cast<double>(count) / 2.55);
}

// Laplacian variance maps to 0-100 on a log scale: the blur threshold 10 (face/quality.h) is 33,
// an ordinary sharp face (~100-500) 67-90, 1000 and beyond 100.
float sharpness_percent(float laplacian_variance) {
  if (laplacian_variance <= 1.0f) return 0.0f;
  return std::clamp(100.0f * std::log10(laplacian_variance) / 3.0f, 0.0f, 100.0f);
}

}  // namespace

ImageFace to_image_face(const face::Face& face, const image::RgbImage& image) {
  const float w = static_cast<float>(std::max(image.width, 1));
  const float h = static_cast<float>(std::max(image.height, 1));
  ImageFace out;
  out.box = {face.box.x / w, face.box.y / h, face.box.width / w, face.box.height / h};
  out.confidence = std::clamp(face.quality.detector_score * 100.0f, 0.0f, 100.0f);
  out.points.reserve(face.landmarks.size());
  for (const face::Point& p : face.landmarks) out.points.push_back({p.x / w, p.y / h});
  out.brightness = mean_brightness(image, face.box);
  out.sharpness = sharpness_percent(face.quality.sharpness);
  out.size_px = face.quality.size_px;
  out.quality = face.quality;
  out.embedding = face.embedding;
  if (face.landmarks.size() == 68) {
    const std::span<const face::Point> marks(face.landmarks);
    const face::Point right_eye = mean_of(marks.subspan(kRightEyeFirst, 6));
    const face::Point left_eye = mean_of(marks.subspan(kLeftEyeFirst, 6));
    const face::Point nose = marks[kNoseTip];
    const face::Point mouth =
        mean_of(std::array{marks[kMouthLeftCorner], marks[kMouthRightCorner]});
    const float dx = left_eye.x - right_eye.x;
    const float dy = left_eye.y - right_eye.y;
    out.roll = degrees(std::atan2(dy, dx));
    const float eye_distance = std::hypot(dx, dy);
    if (eye_distance > 0) {
      // In the face's own frame (roll removed): the nose's offset from the eyes' midpoint, as a
      // fraction of the eye distance, is ~0 for a frontal face and grows towards +-0.5 at a
      // half profile; asin turns it into an angle. Pitch likewise from where the nose sits
      // between the eye line and the mouth (~0.55 of the way on a level face).
      const float c = dx / eye_distance;
      const float s = dy / eye_distance;
      const face::Point mid{(left_eye.x + right_eye.x) / 2, (left_eye.y + right_eye.y) / 2};
      const float nose_x = (nose.x - mid.x) * c + (nose.y - mid.y) * s;
      const float nose_y = -(nose.x - mid.x) * s + (nose.y - mid.y) * c;
      const float mouth_y = -(mouth.x - mid.x) * s + (mouth.y - mid.y) * c;
      out.yaw = degrees(std::asin(std::clamp(2.0f * nose_x / eye_distance, -1.0f, 1.0f)));
      if (mouth_y > 0) {
        const float level = 0.55f;
        out.pitch = degrees(std::asin(std::clamp((level - nose_y / mouth_y) * 2.0f, -1.0f, 1.0f)));
      }
    }
  }
  return out;
}

namespace {

ImageFaces to_image_faces(const face::FaceAnalysis& analysis, const image::DecodedImage& decoded) {
  ImageFaces out{.width = decoded.original.width, .height = decoded.original.height};
  out.faces.reserve(analysis.faces.size());
  for (const face::Face& f : analysis.faces) out.faces.push_back(to_image_face(f, decoded.image));
  return out;
}

}  // namespace

Result<ImageFaces> find_image_faces(const image::ImageDecoder& decoder, face::FaceEngine& engine,
                                    std::span<const std::byte> bytes, Shot shot,
                                    const ImageFacesOptions& options) {
  if (shot == Shot::selfie) {
    // Decoded as the match_selfie job decodes a selfie (domain/selfie_face.h).
    Result<SelfieFace> selfie =
        find_selfie_face(bytes, decoder, engine,
                         {.decode = options.decode,
                          .first_min_long_side = options.selfie_first_long_side,
                          .max_long_side = options.selfie_long_side,
                          .min_face_px = options.selfie_min_face_px});
    if (!selfie) return selfie.error();
    ImageFaces out = to_image_faces(selfie->analysis, selfie->decoded);
    if (!out.faces.empty() && out.faces.front().box.width >= options.selfie_min_face_width) {
      return out;
    }
  }
  image::DecodeOptions decode = options.decode;
  decode.max_long_side = options.detect_long_side;
  Result<image::DecodedImage> decoded = decoder.decode(bytes, decode);
  if (!decoded) return decoded.error();
  Result<face::FaceAnalysis> analysis = engine.analyze(decoded->image);
  if (!analysis) return analysis.error();
  return to_image_faces(*analysis, *decoded);
}

}  // namespace findme::domain
