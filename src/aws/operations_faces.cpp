// IndexFaces, ListFaces, DeleteFaces, SearchFaces and SearchFacesByImage: the faces of a
// collection.
#include <charconv>
#include <limits>
#include <memory>

#include "aws/operations.h"
#include "aws/shapes.h"

namespace findme::aws {
namespace {

nlohmann::json face_matches(const std::vector<domain::FaceMatch>& matches) {
  nlohmann::json out = nlohmann::json::array();
  for (const domain::FaceMatch& m : matches) {
    out.push_back({{"Similarity", m.similarity}, {"Face", stored_face(m.face)}});
  }
  return out;
}

AwsResult<domain::SearchOptions> search_options(const Input& input) {
  AwsResult<std::optional<std::int64_t>> max_faces = input.optional_int("MaxFaces", 1, 4096);
  if (!max_faces) return max_faces.error();
  AwsResult<std::optional<double>> threshold = input.optional_number("FaceMatchThreshold", 0, 100);
  if (!threshold) return threshold.error();
  return domain::SearchOptions{
      .threshold = static_cast<float>(threshold->value_or(kDefaultThreshold)),
      .max_faces = static_cast<int>(max_faces->value_or(4096))};
}

AwsResult<domain::QualityFilter> quality_filter(const Input& input) {
  AwsResult<std::optional<std::string>> value =
      input.optional_enum("QualityFilter", quality_filters());
  if (!value) return value.error();
  const std::string v = value->value_or("AUTO");
  if (v == "NONE") return domain::QualityFilter::none;
  if (v == "LOW") return domain::QualityFilter::low;
  if (v == "MEDIUM") return domain::QualityFilter::medium;
  if (v == "HIGH") return domain::QualityFilter::high;
  return domain::QualityFilter::automatic;
}

}  // namespace

AwsResult<Detail> detail_level(const Input& input, std::string_view member) {
  AwsResult<std::vector<std::string>> values = input.string_list(member, {1, 16}, 0, 2);
  if (!values) return values.error();
  Detail detail = Detail::standard;
  for (const std::string& v : *values) {
    if (v == "ALL") {
      detail = Detail::all;
    } else if (v != "DEFAULT") {
      return aws_error(kInvalidParameter,
                       "1 validation error detected: Value at '" + std::string(member) +
                           "' failed to satisfy constraint: Member must satisfy enum value set: "
                           "[DEFAULT, ALL]");
    }
  }
  return detail;
}

AwsResult<Prepared> index_faces(domain::FaceCollections& collections, const Caller& caller,
                                const Input& input) {
  AwsResult<std::string> name = input.required_string("CollectionId", kCollectionId);
  if (!name) return name.error();
  AwsResult<std::optional<std::string>> external =
      input.optional_string("ExternalImageId", kExternalImageId);
  if (!external) return external.error();
  AwsResult<std::optional<std::int64_t>> max_faces =
      input.optional_int("MaxFaces", 1, std::numeric_limits<int>::max());
  if (!max_faces) return max_faces.error();
  AwsResult<domain::QualityFilter> quality = quality_filter(input);
  if (!quality) return quality.error();
  AwsResult<Detail> detail = detail_level(input, "DetectionAttributes");
  if (!detail) return detail.error();
  AwsResult<std::string> image = input.image("Image");
  if (!image) return image.error();

  auto bytes = std::make_shared<const std::string>(std::move(*image));
  domain::IndexFacesRequest request{.collection = *name,
                                    .image = {},
                                    .external_image_id = external->value_or(""),
                                    .max_faces = static_cast<int>(max_faces->value_or(0)),
                                    .quality = *quality};
  return face_work([&collections, owner = caller.owner, request, bytes,
                    detail = *detail](face::FaceEngine& engine) -> AwsResult<nlohmann::json> {
    domain::IndexFacesRequest r = request;
    r.image = std::as_bytes(std::span(bytes->data(), bytes->size()));
    Result<domain::IndexFacesResult> indexed = collections.index_faces(owner, r, engine);
    if (!indexed) return from_error(indexed.error());
    nlohmann::json records = nlohmann::json::array();
    for (const domain::IndexedFace& f : indexed->indexed) {
      records.push_back(
          {{"Face", stored_face(f.stored)}, {"FaceDetail", face_detail(f.face, detail)}});
    }
    nlohmann::json unindexed = nlohmann::json::array();
    for (const domain::UnindexedFace& f : indexed->unindexed) {
      unindexed.push_back({{"Reasons", f.reasons}, {"FaceDetail", face_detail(f.face, detail)}});
    }
    return nlohmann::json{{"FaceRecords", records},
                          {"FaceModelVersion", domain::kFaceModelVersion},
                          {"UnindexedFaces", unindexed}};
  });
}

AwsResult<Prepared> list_faces(domain::FaceCollections& collections, const Caller& caller,
                               const Input& input) {
  AwsResult<std::string> name = input.required_string("CollectionId", kCollectionId);
  if (!name) return name.error();
  AwsResult<std::optional<std::string>> token =
      input.optional_string("NextToken", kPaginationToken);
  if (!token) return token.error();
  AwsResult<std::optional<std::int64_t>> max_results = input.optional_int("MaxResults", 0, 4096);
  if (!max_results) return max_results.error();
  // The token is the seq of the last face of the previous page, in decimal.
  std::int64_t after = 0;
  if (const std::string t = token->value_or(""); !t.empty()) {
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), after);
    if (ec != std::errc() || end != t.data() + t.size() || after < 0) {
      return aws_error(kInvalidPaginationToken, "Invalid pagination token.");
    }
  }
  const std::int64_t limit = max_results->value_or(0) > 0 ? **max_results : kDefaultPageSize;
  Result<std::vector<CollectionFace>> page =
      collections.list_faces(caller.owner, *name, after, static_cast<int>(limit) + 1);
  if (!page) return from_error(page.error());
  const bool more = page->size() > static_cast<std::size_t>(limit);
  if (more) page->resize(static_cast<std::size_t>(limit));
  nlohmann::json faces = nlohmann::json::array();
  for (const CollectionFace& f : *page) faces.push_back(stored_face(f));
  nlohmann::json out{{"Faces", faces}, {"FaceModelVersion", domain::kFaceModelVersion}};
  if (more && !page->empty()) out["NextToken"] = std::to_string(page->back().seq);
  return answer(std::move(out));
}

AwsResult<Prepared> delete_faces(domain::FaceCollections& collections, const Caller& caller,
                                 const Input& input) {
  AwsResult<std::string> name = input.required_string("CollectionId", kCollectionId);
  if (!name) return name.error();
  AwsResult<std::vector<std::string>> ids = input.string_list("FaceIds", kFaceId, 1, 4096);
  if (!ids) return ids.error();
  Result<std::vector<std::string>> deleted = collections.delete_faces(caller.owner, *name, *ids);
  if (!deleted) return from_error(deleted.error());
  return answer({{"DeletedFaces", *deleted}});
}

AwsResult<Prepared> search_faces(domain::FaceCollections& collections, const Caller& caller,
                                 const Input& input) {
  AwsResult<std::string> name = input.required_string("CollectionId", kCollectionId);
  if (!name) return name.error();
  AwsResult<std::string> face_id = input.required_string("FaceId", kFaceId);
  if (!face_id) return face_id.error();
  AwsResult<domain::SearchOptions> options = search_options(input);
  if (!options) return options.error();
  Result<std::vector<domain::FaceMatch>> matches =
      collections.search_by_face(caller.owner, *name, *face_id, *options);
  if (!matches) return from_error(matches.error());
  return answer({{"SearchedFaceId", *face_id},
                 {"FaceMatches", face_matches(*matches)},
                 {"FaceModelVersion", domain::kFaceModelVersion}});
}

AwsResult<Prepared> search_faces_by_image(domain::FaceCollections& collections,
                                          const Caller& caller, const Input& input) {
  AwsResult<std::string> name = input.required_string("CollectionId", kCollectionId);
  if (!name) return name.error();
  AwsResult<domain::SearchOptions> options = search_options(input);
  if (!options) return options.error();
  AwsResult<domain::QualityFilter> quality = quality_filter(input);
  if (!quality) return quality.error();
  AwsResult<std::string> image = input.image("Image");
  if (!image) return image.error();
  auto bytes = std::make_shared<const std::string>(std::move(*image));
  return face_work([&collections, owner = caller.owner, name = *name, options = *options,
                    bytes](face::FaceEngine& engine) -> AwsResult<nlohmann::json> {
    Result<domain::ImageSearchResult> found = collections.search_by_image(
        owner, name, std::as_bytes(std::span(bytes->data(), bytes->size())), options, engine);
    if (!found) return from_error(found.error());
    return nlohmann::json{{"SearchedFaceBoundingBox", bounding_box(found->searched.box)},
                          {"SearchedFaceConfidence", found->searched.confidence},
                          {"FaceMatches", face_matches(found->matches)},
                          {"FaceModelVersion", domain::kFaceModelVersion}};
  });
}

}  // namespace findme::aws
