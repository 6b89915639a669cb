// SqliteStore: access keys and face collections (migration 7). Being written (#11).
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_store_inl.h"

namespace findme::store::sqlite {

Result<void> SqliteStore::create_access_key(const NewAccessKey& /*key*/) {
  return make_error(Errc::internal, "not implemented yet");
}

Result<std::optional<AccessKey>> SqliteStore::find_access_key(std::string_view /*id*/,
                                                              bool /*touch*/) {
  return make_error(Errc::internal, "not implemented yet");
}

Result<std::vector<AccessKey>> SqliteStore::list_access_keys(UserId /*user*/) {
  return make_error(Errc::internal, "not implemented yet");
}

Result<bool> SqliteStore::delete_access_key(UserId /*user*/, std::string_view /*id*/) {
  return make_error(Errc::internal, "not implemented yet");
}

Result<std::optional<FaceCollection>> SqliteStore::create_collection(UserId /*owner*/,
                                                                     std::string_view /*name*/) {
  return make_error(Errc::internal, "not implemented yet");
}

Result<std::optional<FaceCollection>> SqliteStore::find_collection(UserId /*owner*/,
                                                                   std::string_view /*name*/) {
  return make_error(Errc::internal, "not implemented yet");
}

Result<std::vector<FaceCollection>> SqliteStore::list_collections(UserId /*owner*/,
                                                                  std::string_view /*after_name*/,
                                                                  int /*limit*/) {
  return make_error(Errc::internal, "not implemented yet");
}

Result<bool> SqliteStore::delete_collection(UserId /*owner*/, std::string_view /*name*/) {
  return make_error(Errc::internal, "not implemented yet");
}

Result<IndexedImageFaces> SqliteStore::add_collection_faces(const NewImageFaces& /*image*/) {
  return make_error(Errc::internal, "not implemented yet");
}

Result<std::vector<CollectionFace>> SqliteStore::list_collection_faces(CollectionId /*collection*/,
                                                                       std::int64_t /*after_seq*/,
                                                                       int /*limit*/) {
  return make_error(Errc::internal, "not implemented yet");
}

Result<std::optional<CollectionFace>> SqliteStore::find_collection_face(
    CollectionId /*collection*/, std::string_view /*face_id*/) {
  return make_error(Errc::internal, "not implemented yet");
}

Result<std::vector<std::string>> SqliteStore::delete_collection_faces(
    CollectionId /*collection*/, std::span<const std::string> /*face_ids*/) {
  return make_error(Errc::internal, "not implemented yet");
}

}  // namespace findme::store::sqlite
