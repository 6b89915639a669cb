#include "store/sqlite/rows.h"

#include "store/stored_enums.h"

namespace findme::store::sqlite {

User read_user(const Statement& row, int c) {
  User u;
  u.id = row.id<UserId>(c);
  u.email = row.text(c + 1);
  u.name = row.text(c + 2);
  u.role = role_from_text(row.text(c + 3));
  u.password_hash = row.text(c + 4);
  u.created_at = row.time(c + 5);
  return u;
}

Event read_event(const Statement& row, int c) {
  Event e;
  e.id = row.id<EventId>(c);
  e.code = row.text(c + 1);
  e.name = row.text(c + 2);
  e.organizer_id = row.id<UserId>(c + 3);
  e.starts_at = row.optional_time(c + 4);
  e.created_at = row.time(c + 5);
  e.photo_count = row.int64(c + 6);
  return e;
}

Photo read_photo(const Statement& row, int c) {
  Photo p;
  p.id = row.id<PhotoId>(c);
  p.event_id = row.id<EventId>(c + 1);
  p.filename = row.text(c + 2);
  p.storage_key = row.text(c + 3);
  p.thumbnail_key = row.text(c + 4);
  p.content_type = row.text(c + 5);
  p.byte_size = row.int64(c + 6);
  p.width = row.int32(c + 7);
  p.height = row.int32(c + 8);
  p.status = photo_status_from_text(row.text(c + 9));
  p.face_count = row.int32(c + 10);
  p.error = row.text(c + 11);
  p.created_at = row.time(c + 12);
  return p;
}

Face read_face(const Statement& row, int c) {
  Face f;
  f.id = row.id<FaceId>(c);
  f.photo_id = row.id<PhotoId>(c + 1);
  f.box = BoundingBox{row.int32(c + 2), row.int32(c + 3), row.int32(c + 4), row.int32(c + 5)};
  f.detection_score = static_cast<float>(row.real(c + 6));
  f.usable = row.int64(c + 7) != 0;
  row.embedding(c + 8, f.embedding);  // the schema's CHECK guarantees the length
  return f;
}

Selfie read_selfie(const Statement& row, int c) {
  Selfie s;
  s.id = row.id<SelfieId>(c);
  s.user_id = row.id<UserId>(c + 1);
  s.storage_key = row.text(c + 2);
  FaceVector embedding{};
  if (row.embedding(c + 3, embedding)) s.embedding = embedding;
  s.created_at = row.time(c + 4);
  s.event_id = row.id<EventId>(c + 5);
  return s;
}

Job read_job(const Statement& row, int c) {
  Job j;
  j.id = row.id<JobId>(c);
  j.kind = job_kind_from_text(row.text(c + 1));
  j.status = job_status_from_text(row.text(c + 2));
  j.owner_id = row.id<UserId>(c + 3);
  j.event_id = row.id<EventId>(c + 4);
  j.photo_id = row.id<PhotoId>(c + 5);
  j.selfie_id = row.id<SelfieId>(c + 6);
  j.priority = row.int32(c + 7);
  j.attempts = row.int32(c + 8);
  j.max_attempts = row.int32(c + 9);
  j.run_after = row.time(c + 10);
  j.lease_owner = row.text(c + 11);
  j.lease_until = row.optional_time(c + 12);
  j.error_code = row.text(c + 13);
  j.error_message = row.text(c + 14);
  j.result = row.text(c + 15);
  j.created_at = row.time(c + 16);
  j.finished_at = row.optional_time(c + 17);
  return j;
}

AccessKey read_access_key(const Statement& row, int c) {
  AccessKey k;
  k.id = row.text(c);
  k.user_id = row.id<UserId>(c + 1);
  k.secret = row.text(c + 2);
  k.created_at = row.time(c + 3);
  k.last_used_at = row.optional_time(c + 4);
  k.read_only = row.int64(c + 5) != 0;
  return k;
}

FaceCollection read_collection(const Statement& row, int c) {
  FaceCollection fc;
  fc.id = row.id<CollectionId>(c);
  fc.owner_id = row.id<UserId>(c + 1);
  fc.name = row.text(c + 2);
  fc.created_at = row.time(c + 3);
  fc.face_count = row.int64(c + 4);
  fc.faces_version = row.int64(c + 5);
  return fc;
}

CollectionFace read_collection_face(const Statement& row, int c) {
  CollectionFace f;
  f.seq = row.int64(c);
  f.face_id = row.text(c + 1);
  f.collection_id = row.id<CollectionId>(c + 2);
  f.image_id = row.text(c + 3);
  f.external_image_id = row.text(c + 4);
  f.left = static_cast<float>(row.real(c + 5));
  f.top = static_cast<float>(row.real(c + 6));
  f.width = static_cast<float>(row.real(c + 7));
  f.height = static_cast<float>(row.real(c + 8));
  f.confidence = static_cast<float>(row.real(c + 9));
  row.embedding(c + 10, f.embedding);  // the schema's CHECK guarantees the length
  f.created_at = row.time(c + 11);
  return f;
}

}  // namespace findme::store::sqlite
