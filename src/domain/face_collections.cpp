#include "domain/face_collections.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <sodium.h>

#include "domain/face_distance.h"

namespace findme::domain {
namespace {

constexpr std::size_t kMaxNameLength = 255;

std::string format_uuid(std::array<unsigned char, 16> b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 0xf];
  }
  return out;
}

Error collection_not_found(std::string_view name) {
  return make_error(Errc::not_found, "The collection id: " + std::string(name) + " does not exist");
}

// Rekognition's reason for a face the quality filter drops.
std::string_view quality_reason(const face::FaceQuality& quality) {
  const std::string_view reason = quality.reason;
  if (reason == "too_small") return "SMALL_BOUNDING_BOX";
  if (reason == "blurry") return "LOW_SHARPNESS";
  return "LOW_CONFIDENCE";
}

// Intersection over union of two boxes.
float box_overlap(const RatioBox& a, const RatioBox& b) {
  const float x0 = std::max(a.left, b.left);
  const float y0 = std::max(a.top, b.top);
  const float x1 = std::min(a.left + a.width, b.left + b.width);
  const float y1 = std::min(a.top + a.height, b.top + b.height);
  const float inter = std::max(0.0f, x1 - x0) * std::max(0.0f, y1 - y0);
  const float uni = a.width * a.height + b.width * b.height - inter;
  return uni > 0 ? inter / uni : 0.0f;
}

float distance(const FaceVector& a, const FaceVector& b) {
  return std::sqrt(squared_distance(a.data(), b.data()));
}

// The collection's faces at or over the threshold against `query`, most alike first (ties by
// seq), at most max_faces; `skip` (a face id) is left out.
std::vector<FaceMatch> rank(const CollectionIndex::Snapshot& snapshot, const FaceVector& query,
                            const SearchOptions& options, float sure_distance,
                            std::string_view skip) {
  std::vector<FaceMatch> matches;
  for (const CollectionFace& face : snapshot.faces) {
    if (face.face_id == skip) continue;
    const float similarity = similarity_percent(distance(query, face.embedding), sure_distance);
    if (similarity >= options.threshold) matches.push_back({face, similarity});
  }
  std::stable_sort(matches.begin(), matches.end(), [](const FaceMatch& a, const FaceMatch& b) {
    return a.similarity > b.similarity;
  });
  if (options.max_faces >= 0 && matches.size() > static_cast<std::size_t>(options.max_faces)) {
    matches.resize(static_cast<std::size_t>(options.max_faces));
  }
  return matches;
}

}  // namespace

std::string random_uuid() {
  std::array<unsigned char, 16> b{};
  randombytes_buf(b.data(), b.size());
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return format_uuid(b);
}

std::string content_uuid(std::span<const std::byte> bytes) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> hash{};
  crypto_hash_sha256(hash.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  std::array<unsigned char, 16> b{};
  std::copy_n(hash.begin(), b.size(), b.begin());
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x50);  // version 5: name-based, SHA
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  return format_uuid(b);
}

FaceCollections::FaceCollections(store::Store& store, const image::ImageDecoder& decoder,
                                 FaceCollectionsOptions options)
    : store_(store), decoder_(decoder), options_(options), index_(store) {}

Result<FaceCollection> FaceCollections::find(const User& owner, std::string_view name) {
  Result<std::optional<FaceCollection>> found = store_.find_collection(owner.id, name);
  if (!found) return found.error();
  if (!*found) return collection_not_found(name);
  return **found;
}

Result<std::optional<FaceCollection>> FaceCollections::create(const User& owner,
                                                              std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) {
    return make_error(Errc::invalid_request, "A collection id has 1 to 255 characters.");
  }
  return store_.create_collection(owner.id, name);
}

Result<FaceCollection> FaceCollections::describe(const User& owner, std::string_view name) {
  return find(owner, name);
}

Result<std::vector<FaceCollection>> FaceCollections::list(const User& owner,
                                                          std::string_view after_name, int limit) {
  return store_.list_collections(owner.id, after_name, limit);
}

Result<void> FaceCollections::remove(const User& owner, std::string_view name) {
  Result<bool> deleted = store_.delete_collection(owner.id, name);
  if (!deleted) return deleted.error();
  if (!*deleted) return collection_not_found(name);
  return {};
}

Result<IndexFacesResult> FaceCollections::index_faces(const User& owner,
                                                      const IndexFacesRequest& request,
                                                      face::FaceEngine& engine) {
  Result<FaceCollection> collection = find(owner, request.collection);
  if (!collection) return collection.error();
  Result<ImageFaces> image =
      find_image_faces(decoder_, engine, request.image, Shot::event_photo, options_.images);
  if (!image) return image.error();

  IndexFacesResult result;
  std::vector<ImageFace> kept;
  for (ImageFace& face : image->faces) {  // largest first: MaxFaces keeps the largest
    if (request.quality != QualityFilter::none && !face.quality.usable) {
      result.unindexed.push_back({face, {std::string(quality_reason(face.quality))}});
    } else if (request.max_faces > 0 &&
               kept.size() >= static_cast<std::size_t>(request.max_faces)) {
      result.unindexed.push_back({face, {"EXCEEDS_MAX_FACES"}});
    } else {
      kept.push_back(std::move(face));
    }
  }
  if (kept.empty()) return result;

  NewImageFaces faces{.collection = collection->id,
                      .image_id = content_uuid(request.image),
                      .external_image_id = request.external_image_id};
  for (const ImageFace& face : kept) {
    faces.faces.push_back({.face_id = random_uuid(),
                           .left = face.box.left,
                           .top = face.box.top,
                           .width = face.box.width,
                           .height = face.box.height,
                           .confidence = face.confidence,
                           .embedding = face.embedding});
  }
  Result<store::IndexedImageFaces> stored = store_.add_collection_faces(faces);
  if (!stored) {
    if (stored.error().code == Errc::not_found) return collection_not_found(request.collection);
    return stored.error();
  }
  if (!stored->duplicate) {
    for (std::size_t i = 0; i < stored->faces.size(); ++i) {
      result.indexed.push_back({stored->faces[i], std::move(kept[i])});
    }
    return result;
  }
  // A repeated image answers with the faces stored the first time. Their details come from this
  // analysis of the same bytes: the face whose box is that stored face's (the first call may have
  // kept other faces, under another MaxFaces or QualityFilter). Faces this call would not keep
  // stay unindexed unless they are among the stored ones.
  std::vector<UnindexedFace> found;
  found.reserve(kept.size() + result.unindexed.size());
  for (ImageFace& f : kept) found.push_back({std::move(f), {}});
  for (UnindexedFace& u : result.unindexed) found.push_back(std::move(u));
  result.unindexed.clear();
  std::vector<bool> used(found.size(), false);
  for (const CollectionFace& f : stored->faces) {
    const RatioBox box{f.left, f.top, f.width, f.height};
    std::size_t best = found.size();
    float best_overlap = 0.5f;  // the same face: the boxes overlap more than half
    for (std::size_t i = 0; i < found.size(); ++i) {
      const float overlap = box_overlap(found[i].face.box, box);
      if (!used[i] && overlap > best_overlap) {
        best = i;
        best_overlap = overlap;
      }
    }
    ImageFace detail;
    if (best < found.size()) {
      used[best] = true;
      detail = found[best].face;
    } else {
      detail.box = box;
      detail.confidence = f.confidence;
    }
    result.indexed.push_back({f, std::move(detail)});
  }
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (!used[i] && !found[i].reasons.empty()) result.unindexed.push_back(std::move(found[i]));
  }
  return result;
}

Result<std::vector<CollectionFace>> FaceCollections::list_faces(const User& owner,
                                                                std::string_view collection,
                                                                std::int64_t after_seq, int limit) {
  Result<FaceCollection> found = find(owner, collection);
  if (!found) return found.error();
  return store_.list_collection_faces(found->id, after_seq, limit);
}

Result<std::vector<std::string>> FaceCollections::delete_faces(
    const User& owner, std::string_view collection, std::span<const std::string> face_ids) {
  Result<FaceCollection> found = find(owner, collection);
  if (!found) return found.error();
  return store_.delete_collection_faces(found->id, face_ids);
}

Result<ImageSearchResult> FaceCollections::search_by_image(const User& owner,
                                                           std::string_view collection,
                                                           std::span<const std::byte> image,
                                                           const SearchOptions& options,
                                                           face::FaceEngine& engine) {
  Result<FaceCollection> found = find(owner, collection);
  if (!found) return found.error();
  Result<ImageFaces> faces =
      find_image_faces(decoder_, engine, image, Shot::selfie, options_.images);
  if (!faces) return faces.error();
  if (faces->faces.empty()) {
    return make_error(Errc::no_face_found,
                      "There are no faces in the image. Should be at least 1.");
  }
  Result<std::shared_ptr<const CollectionIndex::Snapshot>> snapshot = index_.faces(*found);
  if (!snapshot) return snapshot.error();
  ImageSearchResult result{.searched = std::move(faces->faces.front())};
  result.matches = rank(**snapshot, result.searched.embedding, options, options_.sure_distance, "");
  return result;
}

Result<std::vector<FaceMatch>> FaceCollections::search_by_face(const User& owner,
                                                               std::string_view collection,
                                                               std::string_view face_id,
                                                               const SearchOptions& options) {
  Result<FaceCollection> found = find(owner, collection);
  if (!found) return found.error();
  Result<std::optional<CollectionFace>> face = store_.find_collection_face(found->id, face_id);
  if (!face) return face.error();
  if (!*face) {
    return make_error(Errc::not_found, "The face id " + std::string(face_id) +
                                           " is not in the collection " + std::string(collection) +
                                           ".");
  }
  Result<std::shared_ptr<const CollectionIndex::Snapshot>> snapshot = index_.faces(*found);
  if (!snapshot) return snapshot.error();
  return rank(**snapshot, (*face)->embedding, options, options_.sure_distance, face_id);
}

Result<ImageFaces> FaceCollections::detect_faces(std::span<const std::byte> image,
                                                 face::FaceEngine& engine) {
  return find_image_faces(decoder_, engine, image, Shot::event_photo, options_.images);
}

Result<CompareResult> FaceCollections::compare_faces(std::span<const std::byte> source,
                                                     std::span<const std::byte> target,
                                                     float threshold, face::FaceEngine& engine) {
  Result<ImageFaces> source_faces =
      find_image_faces(decoder_, engine, source, Shot::selfie, options_.images);
  if (!source_faces) return source_faces.error();
  if (source_faces->faces.empty()) {
    return make_error(Errc::no_face_found, "There are no faces in the source image.");
  }
  Result<ImageFaces> target_faces =
      find_image_faces(decoder_, engine, target, Shot::event_photo, options_.images);
  if (!target_faces) return target_faces.error();
  CompareResult result{.source = std::move(source_faces->faces.front())};
  for (ImageFace& face : target_faces->faces) {
    const float s = similarity(distance(result.source.embedding, face.embedding));
    if (s >= threshold) {
      result.matches.emplace_back(std::move(face), s);
    } else {
      result.unmatched.push_back(std::move(face));
    }
  }
  std::stable_sort(result.matches.begin(), result.matches.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return result;
}

}  // namespace findme::domain
