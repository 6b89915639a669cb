// CreateCollection, DescribeCollection, ListCollections, DeleteCollection.
#include "aws/operations.h"
#include "aws/shapes.h"

namespace findme::aws {
namespace {

double epoch_seconds(Timestamp t) {
  return static_cast<double>(t.time_since_epoch().count()) / 1000.0;
}

}  // namespace

AwsResult<Prepared> create_collection(domain::FaceCollections& collections, const Caller& caller,
                                      const Input& input) {
  AwsResult<std::string> name = input.required_string("CollectionId", kCollectionId);
  if (!name) return name.error();
  Result<std::optional<FaceCollection>> created = collections.create(caller.owner, *name);
  if (!created) return from_error(created.error());
  if (!*created) {
    return aws_error(kResourceAlreadyExists, "The collection id: " + *name + " already exists");
  }
  return answer({{"StatusCode", 200},
                 {"CollectionArn", collection_arn(caller.region, caller.owner.id, *name)},
                 {"FaceModelVersion", domain::kFaceModelVersion}});
}

AwsResult<Prepared> describe_collection(domain::FaceCollections& collections, const Caller& caller,
                                        const Input& input) {
  AwsResult<std::string> name = input.required_string("CollectionId", kCollectionId);
  if (!name) return name.error();
  Result<FaceCollection> found = collections.describe(caller.owner, *name);
  if (!found) return from_error(found.error());
  return answer({{"FaceCount", found->face_count},
                 {"FaceModelVersion", domain::kFaceModelVersion},
                 {"CollectionARN", collection_arn(caller.region, caller.owner.id, *name)},
                 {"CreationTimestamp", epoch_seconds(found->created_at)}});
}

AwsResult<Prepared> list_collections(domain::FaceCollections& collections, const Caller& caller,
                                     const Input& input) {
  AwsResult<std::optional<std::string>> token =
      input.optional_string("NextToken", kPaginationToken);
  if (!token) return token.error();
  AwsResult<std::optional<std::int64_t>> max_results = input.optional_int("MaxResults", 0, 4096);
  if (!max_results) return max_results.error();
  // The token is the last name of the previous page.
  const std::string after = token->value_or("");
  if (!after.empty() && !matches_rule(after, kCollectionId)) {
    return aws_error(kInvalidPaginationToken, "Invalid pagination token.");
  }
  const std::int64_t limit = max_results->value_or(0) > 0 ? **max_results : kDefaultPageSize;
  // One more than the page tells whether another page follows.
  Result<std::vector<FaceCollection>> page =
      collections.list(caller.owner, after, static_cast<int>(limit) + 1);
  if (!page) return from_error(page.error());
  const bool more = page->size() > static_cast<std::size_t>(limit);
  if (more) page->resize(static_cast<std::size_t>(limit));
  nlohmann::json ids = nlohmann::json::array();
  nlohmann::json versions = nlohmann::json::array();
  for (const FaceCollection& c : *page) {
    ids.push_back(c.name);
    versions.push_back(domain::kFaceModelVersion);
  }
  nlohmann::json out{{"CollectionIds", ids}, {"FaceModelVersions", versions}};
  if (more && !page->empty()) out["NextToken"] = page->back().name;
  return answer(std::move(out));
}

AwsResult<Prepared> delete_collection(domain::FaceCollections& collections, const Caller& caller,
                                      const Input& input) {
  AwsResult<std::string> name = input.required_string("CollectionId", kCollectionId);
  if (!name) return name.error();
  if (Result<void> r = collections.remove(caller.owner, *name); !r) return from_error(r.error());
  return answer({{"StatusCode", 200}});
}

}  // namespace findme::aws
