// PostgresStore: access keys and face collections (migration 7). Being written (#11).
#include "store/postgres/postgres_store.h"
#include "store/postgres/postgres_store_inl.h"

namespace findme::store::postgres {

Result<void> PostgresStore::create_access_key(const NewAccessKey& /*key*/) {
  return make_error(Errc::internal, "not implemented yet");
}

Result<std::optional<AccessKey>> PostgresStore::find_access_key(std::string_view /*id*/,
                                                                bool /*touch*/) {
  return make_error(Errc::internal, "not implemented yet");
}

Result<std::vector<AccessKey>> PostgresStore::list_access_keys(UserId /*user*/) {
  return make_error(Errc::internal, "not implemented yet");
}

Result<bool> PostgresStore::delete_access_key(UserId /*user*/, std::string_view /*id*/) {
  return make_error(Errc::internal, "not implemented yet");
}

Result<std::optional<FaceCollection>> PostgresStore::create_collection(UserId /*owner*/,
                                                                       std::string_view /*name*/) {
  return make_error(Errc::internal, "not implemented yet");
}

Result<std::optional<FaceCollection>> PostgresStore::find_collection(UserId /*owner*/,
                                                                     std::string_view /*name*/) {
  return make_error(Errc::internal, "not implemented yet");
}

Result<std::vector<FaceCollection>> PostgresStore::list_collections(UserId /*owner*/,
                                                                    std::string_view /*after_name*/,
                                                                    int /*limit*/) {
  return make_error(Errc::internal, "not implemented yet");
}

Result<bool> PostgresStore::delete_collection(UserId /*owner*/, std::string_view /*name*/) {
  return make_error(Errc::internal, "not implemented yet");
}

Result<IndexedImageFaces> PostgresStore::add_collection_faces(const NewImageFaces& /*image*/) {
  return make_error(Errc::internal, "not implemented yet");
}

Result<std::vector<CollectionFace>> PostgresStore::list_collection_faces(
    CollectionId /*collection*/, std::int64_t /*after_seq*/, int /*limit*/) {
  return make_error(Errc::internal, "not implemented yet");
}

Result<std::optional<CollectionFace>> PostgresStore::find_collection_face(
    CollectionId /*collection*/, std::string_view /*face_id*/) {
  return make_error(Errc::internal, "not implemented yet");
}

Result<std::vector<std::string>> PostgresStore::delete_collection_faces(
    CollectionId /*collection*/, std::span<const std::string> /*face_ids*/) {
  return make_error(Errc::internal, "not implemented yet");
}

}  // namespace findme::store::postgres
