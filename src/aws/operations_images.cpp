// DetectFaces and CompareFaces: faces of images that are not stored anywhere.
#include <memory>

#include "aws/operations.h"
#include "aws/shapes.h"

namespace findme::aws {
namespace {

std::span<const std::byte> bytes_of(const std::string& s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

}  // namespace

AwsResult<Prepared> detect_faces(domain::FaceCollections& collections, const Caller& /*caller*/,
                                 const Input& input) {
  AwsResult<Detail> detail = detail_level(input, "Attributes");
  if (!detail) return detail.error();
  AwsResult<std::string> image = input.image("Image");
  if (!image) return image.error();
  auto bytes = std::make_shared<const std::string>(std::move(*image));
  return face_work([&collections, bytes,
                    detail = *detail](face::FaceEngine& engine) -> AwsResult<nlohmann::json> {
    Result<domain::ImageFaces> faces = collections.detect_faces(bytes_of(*bytes), engine);
    if (!faces) return from_error(faces.error());
    nlohmann::json details = nlohmann::json::array();
    for (const domain::ImageFace& f : faces->faces) details.push_back(face_detail(f, detail));
    return nlohmann::json{{"FaceDetails", details}};
  });
}

AwsResult<Prepared> compare_faces(domain::FaceCollections& collections, const Caller& /*caller*/,
                                  const Input& input) {
  AwsResult<std::optional<double>> threshold = input.optional_number("SimilarityThreshold", 0, 100);
  if (!threshold) return threshold.error();
  AwsResult<std::optional<std::string>> quality =
      input.optional_enum("QualityFilter", quality_filters());
  if (!quality) return quality.error();
  AwsResult<std::string> source = input.image("SourceImage");
  if (!source) return source.error();
  AwsResult<std::string> target = input.image("TargetImage");
  if (!target) return target.error();
  auto images = std::make_shared<const std::pair<std::string, std::string>>(std::move(*source),
                                                                            std::move(*target));
  const auto min_similarity = static_cast<float>(threshold->value_or(kDefaultThreshold));
  return face_work([&collections, images,
                    min_similarity](face::FaceEngine& engine) -> AwsResult<nlohmann::json> {
    Result<domain::CompareResult> compared = collections.compare_faces(
        bytes_of(images->first), bytes_of(images->second), min_similarity, engine);
    if (!compared) return from_error(compared.error());
    nlohmann::json matches = nlohmann::json::array();
    for (const auto& [face, similarity] : compared->matches) {
      matches.push_back({{"Similarity", similarity}, {"Face", compared_face(face)}});
    }
    nlohmann::json unmatched = nlohmann::json::array();
    for (const domain::ImageFace& face : compared->unmatched) {
      unmatched.push_back(compared_face(face));
    }
    return nlohmann::json{{"SourceImageFace",
                           {{"BoundingBox", bounding_box(compared->source.box)},
                            {"Confidence", compared->source.confidence}}},
                          {"FaceMatches", matches},
                          {"UnmatchedFaces", unmatched}};
  });
}

}  // namespace findme::aws
