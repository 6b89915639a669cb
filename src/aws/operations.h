// The Rekognition operations findme serves, each as a function from a checked caller and its
// request body to an answer. An operation that needs the face engine does its checks at once and
// returns the face work to run on a face worker (rekognition_api.cpp queues it).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/errors.h"
#include "aws/input.h"
#include "aws/shapes.h"
#include "core/entities.h"
#include "domain/face_collections.h"
#include "face/face_engine.h"

namespace findme::aws {

// Who signed the request, and the region their signature named (echoed in ARNs).
struct Caller {
  User owner;
  std::string region;
  bool read_only = false;  // the key's scope
};

using FaceTask = std::function<AwsResult<nlohmann::json>(face::FaceEngine& engine)>;

// Either an answer now, or face work whose result is the answer.
struct Prepared {
  std::optional<nlohmann::json> answer;
  FaceTask face_work;
};

using Operation = AwsResult<Prepared> (*)(domain::FaceCollections& collections,
                                          const Caller& caller, const Input& input);

// The operation named by X-Amz-Target's suffix ("IndexFaces"); nullptr for one findme does not
// serve.
Operation find_operation(std::string_view name);
// Whether the operation creates, changes or deletes anything (a read-only key may not call it).
bool changes_data(std::string_view name);

// The operations, by file.
AwsResult<Prepared> create_collection(domain::FaceCollections&, const Caller&, const Input&);
AwsResult<Prepared> describe_collection(domain::FaceCollections&, const Caller&, const Input&);
AwsResult<Prepared> list_collections(domain::FaceCollections&, const Caller&, const Input&);
AwsResult<Prepared> delete_collection(domain::FaceCollections&, const Caller&, const Input&);
AwsResult<Prepared> index_faces(domain::FaceCollections&, const Caller&, const Input&);
AwsResult<Prepared> list_faces(domain::FaceCollections&, const Caller&, const Input&);
AwsResult<Prepared> delete_faces(domain::FaceCollections&, const Caller&, const Input&);
AwsResult<Prepared> search_faces(domain::FaceCollections&, const Caller&, const Input&);
AwsResult<Prepared> search_faces_by_image(domain::FaceCollections&, const Caller&, const Input&);
AwsResult<Prepared> detect_faces(domain::FaceCollections&, const Caller&, const Input&);
AwsResult<Prepared> compare_faces(domain::FaceCollections&, const Caller&, const Input&);

// Helpers shared by the operation files.
inline AwsResult<Prepared> answer(nlohmann::json body) {
  return Prepared{.answer = std::move(body), .face_work = {}};
}
inline AwsResult<Prepared> face_work(FaceTask task) {
  return Prepared{.answer = std::nullopt, .face_work = std::move(task)};
}
// Attributes / DetectionAttributes: ["DEFAULT"] or ["ALL"] (ALL wins when both are given);
// standard when absent.
AwsResult<Detail> detail_level(const Input& input, std::string_view member);

// QualityFilter's values (service-2.json).
inline std::vector<std::string_view> quality_filters() {
  return {"NONE", "AUTO", "LOW", "MEDIUM", "HIGH"};
}

// ListCollections and ListFaces return this many items when MaxResults is absent (or 0).
inline constexpr std::int64_t kDefaultPageSize = 1000;

// Rekognition's similarity thresholds default to 80.
inline constexpr double kDefaultThreshold = 80.0;

}  // namespace findme::aws
