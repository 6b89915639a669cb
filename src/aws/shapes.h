// Rekognition's output shapes as JSON, from findme's face records (service-2.json's BoundingBox,
// Landmark, Pose, ImageQuality, FaceDetail, Face, ComparedFace).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/entities.h"
#include "domain/image_faces.h"

namespace findme::aws {

// DetectionAttributes / Attributes: DEFAULT gives BoundingBox, Confidence, Pose, Quality and five
// Landmarks; ALL gives every landmark type findme places (30) as well. Attributes findme does
// not estimate (AgeRange, Emotions, Smile, ...) are left out, as Rekognition's docs allow for
// attributes it could not determine.
enum class Detail { standard, all };

nlohmann::json bounding_box(const domain::RatioBox& box);
nlohmann::json face_detail(const domain::ImageFace& face, Detail detail);
// ComparedFace: the FaceDetail members CompareFaces returns.
nlohmann::json compared_face(const domain::ImageFace& face);
// Face: a stored face of a collection.
nlohmann::json stored_face(const CollectionFace& face);

// "arn:aws:rekognition:REGION:ACCOUNT:collection/NAME", ACCOUNT being the owner's id on 12
// digits.
std::string collection_arn(std::string_view region, UserId owner, std::string_view name);

}  // namespace findme::aws
