#include "aws/shapes.h"

#include <array>
#include <initializer_list>

#include <fmt/format.h>

#include "domain/face_collections.h"

namespace findme::aws {
namespace {

struct LandmarkSpec {
  std::string_view type;
  std::initializer_list<int> points;  // iBUG 68 indices averaged (image-left = "Left")
};

// Rekognition names landmarks as the viewer sees them ("eyeLeft" is on the image's left), which
// in iBUG order is the subject's right: points 36-41 are the image-left eye.
constexpr std::array<LandmarkSpec, 5> kStandardLandmarks{{
    {"eyeLeft", {36, 37, 38, 39, 40, 41}},
    {"eyeRight", {42, 43, 44, 45, 46, 47}},
    {"mouthLeft", {48}},
    {"mouthRight", {54}},
    {"nose", {30}},
}};

constexpr std::array<LandmarkSpec, 25> kOtherLandmarks{{
    {"leftEyeBrowLeft", {17}},
    {"leftEyeBrowUp", {19}},
    {"leftEyeBrowRight", {21}},
    {"rightEyeBrowLeft", {22}},
    {"rightEyeBrowUp", {24}},
    {"rightEyeBrowRight", {26}},
    {"leftEyeLeft", {36}},
    {"leftEyeRight", {39}},
    {"leftEyeUp", {37, 38}},
    {"leftEyeDown", {40, 41}},
    {"rightEyeLeft", {42}},
    {"rightEyeRight", {45}},
    {"rightEyeUp", {43, 44}},
    {"rightEyeDown", {46, 47}},
    {"noseLeft", {31}},
    {"noseRight", {35}},
    {"mouthUp", {51}},
    {"mouthDown", {57}},
    {"leftPupil", {36, 37, 38, 39, 40, 41}},
    {"rightPupil", {42, 43, 44, 45, 46, 47}},
    {"upperJawlineLeft", {1}},
    {"midJawlineLeft", {4}},
    {"chinBottom", {8}},
    {"midJawlineRight", {12}},
    {"upperJawlineRight", {15}},
}};

nlohmann::json landmark(const domain::ImageFace& face, const LandmarkSpec& spec) {
  float x = 0;
  float y = 0;
  for (int i : spec.points) {
    x += face.points[static_cast<std::size_t>(i)].x;
    y += face.points[static_cast<std::size_t>(i)].y;
  }
  const auto n = static_cast<float>(spec.points.size());
  return {{"Type", spec.type}, {"X", x / n}, {"Y", y / n}};
}

nlohmann::json landmarks(const domain::ImageFace& face, Detail detail) {
  nlohmann::json out = nlohmann::json::array();
  if (face.points.size() != 68) return out;
  for (const LandmarkSpec& spec : kStandardLandmarks) out.push_back(landmark(face, spec));
  if (detail == Detail::all) {
    for (const LandmarkSpec& spec : kOtherLandmarks) out.push_back(landmark(face, spec));
  }
  return out;
}

nlohmann::json pose(const domain::ImageFace& face) {
  return {{"Roll", face.roll}, {"Yaw", face.yaw}, {"Pitch", face.pitch}};
}

nlohmann::json quality(const domain::ImageFace& face) {
  return {{"Brightness", face.brightness}, {"Sharpness", face.sharpness}};
}

}  // namespace

nlohmann::json bounding_box(const domain::RatioBox& box) {
  return {{"Width", box.width}, {"Height", box.height}, {"Left", box.left}, {"Top", box.top}};
}

nlohmann::json face_detail(const domain::ImageFace& face, Detail detail) {
  return {{"BoundingBox", bounding_box(face.box)},
          {"Landmarks", landmarks(face, detail)},
          {"Pose", pose(face)},
          {"Quality", quality(face)},
          {"Confidence", face.confidence}};
}

nlohmann::json compared_face(const domain::ImageFace& face) {
  return face_detail(face, Detail::standard);
}

nlohmann::json stored_face(const CollectionFace& face) {
  nlohmann::json out{
      {"FaceId", face.face_id},
      {"BoundingBox", bounding_box({face.left, face.top, face.width, face.height})},
      {"ImageId", face.image_id},
      {"Confidence", face.confidence},
      {"IndexFacesModelVersion", domain::kFaceModelVersion},
  };
  if (!face.external_image_id.empty()) out["ExternalImageId"] = face.external_image_id;
  return out;
}

std::string collection_arn(std::string_view region, UserId owner, std::string_view name) {
  return fmt::format("arn:aws:rekognition:{}:{:012d}:collection/{}", region, owner.value, name);
}

}  // namespace findme::aws
