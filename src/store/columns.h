// The column lists of the entity tables, one home for both backends (store/sqlite/rows.h and
// store/postgres/rows.h decode them in this order). Each FINDME_*_COLUMNS(p) macro expands to a
// string literal, so queries stay single constexpr strings; `p` is a table alias with its dot
// ("p.") or "" (e.g. in RETURNING clauses). The migrations of both backends create the columns.
#pragma once

// Unformatted: clang-format would split a literal such as "photo_count" in two.
// clang-format off
#define FINDME_USER_COLUMNS(p) \
  p "id, " p "email, " p "name, " p "role, " p "password_hash, " p "created_at"
// photo_count is kept by triggers.
#define FINDME_EVENT_COLUMNS(p) \
  p "id, " p "code, " p "name, " p "organizer_id, " p "starts_at, " p "created_at, " \
  p "photo_count"
#define FINDME_PHOTO_COLUMNS(p) \
  p "id, " p "event_id, " p "filename, " p "storage_key, " p "thumbnail_key, " \
  p "content_type, " p "byte_size, " p "width, " p "height, " p "status, " p "face_count, " \
  p "error, " p "created_at"
#define FINDME_FACE_COLUMNS(p) \
  p "id, " p "photo_id, " p "box_x, " p "box_y, " p "box_width, " p "box_height, " \
  p "detection_score, " p "usable, " p "embedding"
#define FINDME_SELFIE_COLUMNS(p) \
  p "id, " p "user_id, " p "storage_key, " p "embedding, " p "created_at, " p "event_id"
#define FINDME_JOB_COLUMNS(p) \
  p "id, " p "kind, " p "status, " p "owner_id, " p "event_id, " p "photo_id, " p "selfie_id, " \
  p "priority, " p "attempts, " p "max_attempts, " p "run_after, " p "lease_owner, " \
  p "lease_until, " p "error_code, " p "error_message, " p "result, " p "created_at, " \
  p "finished_at"
#define FINDME_ACCESS_KEY_COLUMNS(p) \
  p "id, " p "user_id, " p "secret, " p "created_at, " p "last_used_at, " p "read_only"
// face_count and faces_version are kept by the calls that add and delete faces.
#define FINDME_COLLECTION_COLUMNS(p) \
  p "id, " p "owner_id, " p "name, " p "created_at, " p "face_count, " p "faces_version"
#define FINDME_COLLECTION_FACE_COLUMNS(p) \
  p "seq, " p "face_id, " p "collection_id, " p "image_id, " p "external_image_id, " \
  p "box_left, " p "box_top, " p "box_width, " p "box_height, " p "confidence, " p "embedding, " \
  p "created_at"
// clang-format on

#include <string_view>

namespace findme::store {

// How many columns each list has: where a query selects two lists side by side, the second
// starts at the first one's count.
inline constexpr int kUserColumns = 6;
inline constexpr int kEventColumns = 7;
inline constexpr int kPhotoColumns = 13;
inline constexpr int kFaceColumns = 9;
inline constexpr int kSelfieColumns = 6;
inline constexpr int kJobColumns = 18;
inline constexpr int kAccessKeyColumns = 6;
inline constexpr int kCollectionColumns = 6;
inline constexpr int kCollectionFaceColumns = 12;

constexpr int column_count(std::string_view list) {
  int n = 1;
  for (char c : list) n += c == ',' ? 1 : 0;
  return n;
}
static_assert(column_count(FINDME_USER_COLUMNS("")) == kUserColumns);
static_assert(column_count(FINDME_EVENT_COLUMNS("")) == kEventColumns);
static_assert(column_count(FINDME_PHOTO_COLUMNS("")) == kPhotoColumns);
static_assert(column_count(FINDME_FACE_COLUMNS("")) == kFaceColumns);
static_assert(column_count(FINDME_SELFIE_COLUMNS("")) == kSelfieColumns);
static_assert(column_count(FINDME_JOB_COLUMNS("")) == kJobColumns);
static_assert(column_count(FINDME_ACCESS_KEY_COLUMNS("")) == kAccessKeyColumns);
static_assert(column_count(FINDME_COLLECTION_COLUMNS("")) == kCollectionColumns);
static_assert(column_count(FINDME_COLLECTION_FACE_COLUMNS("")) == kCollectionFaceColumns);

}  // namespace findme::store
