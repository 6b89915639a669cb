// Face collections, as Amazon Rekognition has them: an organizer's named sets of faces, indexed
// from images (with the caller's own image ids) and searched by image or by face. The engine
// behind the Rekognition-compatible API (aws/); the event workflow does not use them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/entities.h"
#include "core/result.h"
#include "domain/collection_index.h"
#include "domain/image_faces.h"
#include "domain/similarity.h"
#include "image/image_decoder.h"
#include "store/store.h"

namespace findme::domain {

// Which faces IndexFaces keeps. none: every face found; every other level: only faces usable
// for matching (large, sharp and clearly a face: face/quality.h), which is what findme matches
// event photos with.
enum class QualityFilter { none, automatic, low, medium, high };

struct IndexFacesRequest {
  std::string collection;
  std::span<const std::byte> image;
  std::string external_image_id;  // may be empty
  int max_faces = 0;              // 0: no limit; else the largest max_faces faces are kept
  QualityFilter quality = QualityFilter::automatic;
};

// Why a face was not indexed (Rekognition's reason names).
struct UnindexedFace {
  ImageFace face;
  std::vector<std::string> reasons;  // e.g. "EXCEEDS_MAX_FACES", "SMALL_BOUNDING_BOX"
};

struct IndexedFace {
  CollectionFace stored;
  ImageFace face;
};

struct IndexFacesResult {
  std::vector<IndexedFace> indexed;
  std::vector<UnindexedFace> unindexed;
};

// A face of the collection and how alike it is (percent, see similarity_percent()).
struct FaceMatch {
  CollectionFace face;
  float similarity = 0;
};

struct SearchOptions {
  float threshold = 80;  // FaceMatchThreshold, percent
  int max_faces = 4096;  // MaxFaces
};

struct ImageSearchResult {
  ImageFace searched;  // the largest face of the image
  std::vector<FaceMatch> matches;
};

struct CompareResult {
  ImageFace source;                                  // the largest face of the source image
  std::vector<std::pair<ImageFace, float>> matches;  // target faces at or over the threshold
  std::vector<ImageFace> unmatched;                  // the other target faces
};

struct FaceCollectionsOptions {
  ImageFacesOptions images;
  // The raw distance findme is sure of without a cohort (MatchPolicy::sure_distance): it becomes
  // a similarity of 80 %, Rekognition's default FaceMatchThreshold.
  float sure_distance = 0.40f;
};

// The version reported as FaceModelVersion and IndexFacesModelVersion.
inline constexpr std::string_view kFaceModelVersion = "1.0";

// Thread-safe. Operations that find faces take the engine of the face worker they run on.
// Errors, beside the store's: Errc::not_found for an unknown collection (or face), and
// Errc::invalid_request for arguments the caller should have checked (each says which).
class FaceCollections {
 public:
  FaceCollections(store::Store& store, const image::ImageDecoder& decoder,
                  FaceCollectionsOptions options);

  // nullopt when the owner already has a collection of that name.
  Result<std::optional<FaceCollection>> create(const User& owner, std::string_view name);
  Result<FaceCollection> describe(const User& owner, std::string_view name);
  Result<std::vector<FaceCollection>> list(const User& owner, std::string_view after_name,
                                           int limit);
  Result<void> remove(const User& owner, std::string_view name);

  // Finds the image's faces and stores those the request keeps. Indexing an image with the same
  // external image id again stores nothing and answers with the faces stored the first time.
  // Errc::invalid_image / unsupported_media_type for an image that cannot be decoded.
  Result<IndexFacesResult> index_faces(const User& owner, const IndexFacesRequest& request,
                                       face::FaceEngine& engine);
  // In seq order after `after_seq`, at most `limit`.
  Result<std::vector<CollectionFace>> list_faces(const User& owner, std::string_view collection,
                                                 std::int64_t after_seq, int limit);
  // The ids deleted (ids not in the collection are skipped).
  Result<std::vector<std::string>> delete_faces(const User& owner, std::string_view collection,
                                                std::span<const std::string> face_ids);

  // The collection's faces like the image's largest face, most alike first. Errc::no_face_found
  // when the image has no face.
  Result<ImageSearchResult> search_by_image(const User& owner, std::string_view collection,
                                            std::span<const std::byte> image,
                                            const SearchOptions& options, face::FaceEngine& engine);
  // The collection's faces like one of its faces (itself excluded), most alike first.
  Result<std::vector<FaceMatch>> search_by_face(const User& owner, std::string_view collection,
                                                std::string_view face_id,
                                                const SearchOptions& options);

  // Every face of an image, largest first.
  Result<ImageFaces> detect_faces(std::span<const std::byte> image, face::FaceEngine& engine);
  // The source image's largest face against every face of the target image. Errc::no_face_found
  // when the source has no face.
  Result<CompareResult> compare_faces(std::span<const std::byte> source,
                                      std::span<const std::byte> target, float threshold,
                                      face::FaceEngine& engine);

  float similarity(float distance) const {
    return similarity_percent(distance, options_.sure_distance);
  }

 private:
  Result<FaceCollection> find(const User& owner, std::string_view name);

  store::Store& store_;
  const image::ImageDecoder& decoder_;
  FaceCollectionsOptions options_;
  CollectionIndex index_;
};

// A UUID (version 4 layout) from random bits, and one derived from the image's bytes (the same
// bytes give the same ImageId).
std::string random_uuid();
std::string content_uuid(std::span<const std::byte> bytes);

}  // namespace findme::domain
