#include "store/postgres/rows.h"

#include "store/postgres/query.h"
#include "store/stored_enums.h"

namespace findme::store::postgres {

User read_user(const pqxx::row& r, int c) {
  User u;
  u.id = id<UserId>(r[c]);
  u.email = text(r[c + 1]);
  u.name = text(r[c + 2]);
  u.role = role_from_text(text(r[c + 3]));
  u.password_hash = text(r[c + 4]);
  u.created_at = time(r[c + 5]);
  return u;
}

Event read_event(const pqxx::row& r, int c) {
  Event e;
  e.id = id<EventId>(r[c]);
  e.code = text(r[c + 1]);
  e.name = text(r[c + 2]);
  e.organizer_id = id<UserId>(r[c + 3]);
  e.starts_at = optional_time(r[c + 4]);
  e.created_at = time(r[c + 5]);
  e.photo_count = int64(r[c + 6]);
  return e;
}

Photo read_photo(const pqxx::row& r, int c) {
  Photo p;
  p.id = id<PhotoId>(r[c]);
  p.event_id = id<EventId>(r[c + 1]);
  p.filename = text(r[c + 2]);
  p.storage_key = text(r[c + 3]);
  p.thumbnail_key = text(r[c + 4]);
  p.content_type = text(r[c + 5]);
  p.byte_size = int64(r[c + 6]);
  p.width = int32(r[c + 7]);
  p.height = int32(r[c + 8]);
  p.status = photo_status_from_text(text(r[c + 9]));
  p.face_count = int32(r[c + 10]);
  p.error = text(r[c + 11]);
  p.created_at = time(r[c + 12]);
  return p;
}

Face read_face(const pqxx::row& r, int c) {
  Face f;
  f.id = id<FaceId>(r[c]);
  f.photo_id = id<PhotoId>(r[c + 1]);
  f.box = BoundingBox{int32(r[c + 2]), int32(r[c + 3]), int32(r[c + 4]), int32(r[c + 5])};
  f.detection_score = static_cast<float>(real(r[c + 6]));
  f.usable = boolean(r[c + 7]);
  embedding(r[c + 8], f.embedding);  // the schema's CHECK guarantees the length
  return f;
}

Selfie read_selfie(const pqxx::row& r, int c) {
  Selfie s;
  s.id = id<SelfieId>(r[c]);
  s.user_id = id<UserId>(r[c + 1]);
  s.storage_key = text(r[c + 2]);
  FaceVector vector{};
  if (embedding(r[c + 3], vector)) s.embedding = vector;
  s.created_at = time(r[c + 4]);
  s.event_id = id<EventId>(r[c + 5]);
  return s;
}

Job read_job(const pqxx::row& r, int c) {
  Job j;
  j.id = id<JobId>(r[c]);
  j.kind = job_kind_from_text(text(r[c + 1]));
  j.status = job_status_from_text(text(r[c + 2]));
  j.owner_id = id<UserId>(r[c + 3]);
  j.event_id = id<EventId>(r[c + 4]);
  j.photo_id = id<PhotoId>(r[c + 5]);
  j.selfie_id = id<SelfieId>(r[c + 6]);
  j.priority = int32(r[c + 7]);
  j.attempts = int32(r[c + 8]);
  j.max_attempts = int32(r[c + 9]);
  j.run_after = time(r[c + 10]);
  j.lease_owner = text(r[c + 11]);
  j.lease_until = optional_time(r[c + 12]);
  j.error_code = text(r[c + 13]);
  j.error_message = text(r[c + 14]);
  j.result = text(r[c + 15]);
  j.created_at = time(r[c + 16]);
  j.finished_at = optional_time(r[c + 17]);
  return j;
}

AccessKey read_access_key(const pqxx::row& r, int c) {
  AccessKey k;
  k.id = text(r[c]);
  k.user_id = id<UserId>(r[c + 1]);
  k.secret = text(r[c + 2]);
  k.created_at = time(r[c + 3]);
  k.last_used_at = optional_time(r[c + 4]);
  k.read_only = boolean(r[c + 5]);
  return k;
}

FaceCollection read_collection(const pqxx::row& r, int c) {
  FaceCollection fc;
  fc.id = id<CollectionId>(r[c]);
  fc.owner_id = id<UserId>(r[c + 1]);
  fc.name = text(r[c + 2]);
  fc.created_at = time(r[c + 3]);
  fc.face_count = int64(r[c + 4]);
  fc.faces_version = int64(r[c + 5]);
  return fc;
}

CollectionFace read_collection_face(const pqxx::row& r, int c) {
  CollectionFace f;
  f.seq = int64(r[c]);
  f.face_id = text(r[c + 1]);
  f.collection_id = id<CollectionId>(r[c + 2]);
  f.image_id = text(r[c + 3]);
  f.external_image_id = text(r[c + 4]);
  f.left = static_cast<float>(real(r[c + 5]));
  f.top = static_cast<float>(real(r[c + 6]));
  f.width = static_cast<float>(real(r[c + 7]));
  f.height = static_cast<float>(real(r[c + 8]));
  f.confidence = static_cast<float>(real(r[c + 9]));
  embedding(r[c + 10], f.embedding);  // the schema's CHECK guarantees the length
  f.created_at = time(r[c + 11]);
  return f;
}

}  // namespace findme::store::postgres
