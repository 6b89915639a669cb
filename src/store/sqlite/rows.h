// Column lists and row decoders shared by the SqliteStore queries. Each FINDME_*_COLUMNS(prefix)
// macro expands to a string literal, so queries stay single constexpr strings; `prefix` is a
// table alias with its dot ("p.") or "" (e.g. in RETURNING clauses).
#pragma once

#include "core/entities.h"
#include "store/sqlite/connection.h"

// 6 columns.
#define FINDME_USER_COLUMNS(p) \
  p "id, " p "email, " p "name, " p "role, " p "password_hash, " p "created_at"
// 7 columns; photo_count is kept by triggers (migration 2).
// Unformatted: clang-format would split "photo_count" into two literals.
// clang-format off
#define FINDME_EVENT_COLUMNS(p) \
  p "id, " p "code, " p "name, " p "organizer_id, " p "starts_at, " p "created_at, " \
  p "photo_count"
// clang-format on
// 13 columns.
#define FINDME_PHOTO_COLUMNS(p)                                                               \
  p "id, " p "event_id, " p "filename, " p "storage_key, " p "thumbnail_key, " p              \
    "content_type, " p "byte_size, " p "width, " p "height, " p "status, " p "face_count, " p \
    "error, " p "created_at"
// 9 columns.
#define FINDME_FACE_COLUMNS(p)                                                       \
  p "id, " p "photo_id, " p "box_x, " p "box_y, " p "box_width, " p "box_height, " p \
    "detection_score, " p "usable, " p "embedding"
// 6 columns.
#define FINDME_SELFIE_COLUMNS(p) \
  p "id, " p "user_id, " p "storage_key, " p "embedding, " p "created_at, " p "event_id"
// 18 columns.
#define FINDME_JOB_COLUMNS(p)                                                                     \
  p "id, " p "kind, " p "status, " p "owner_id, " p "event_id, " p "photo_id, " p "selfie_id, " p \
    "priority, " p "attempts, " p "max_attempts, " p "run_after, " p "lease_owner, " p            \
    "lease_until, " p "error_code, " p "error_message, " p "result, " p "created_at, " p          \
    "finished_at"

namespace findme::store::sqlite {

inline constexpr int kUserColumns = 6;
inline constexpr int kEventColumns = 7;
inline constexpr int kPhotoColumns = 13;
inline constexpr int kFaceColumns = 9;
inline constexpr int kSelfieColumns = 5;
inline constexpr int kJobColumns = 18;

// Each reads its columns starting at `first`.
User read_user(const Statement& row, int first = 0);
Event read_event(const Statement& row, int first = 0);
Photo read_photo(const Statement& row, int first = 0);
Face read_face(const Statement& row, int first = 0);
Selfie read_selfie(const Statement& row, int first = 0);
Job read_job(const Statement& row, int first = 0);

// Collects every row of `stmt` with `read`.
template <class T, class Read>
Result<std::vector<T>> read_all(Statement& stmt, Read read) {
  std::vector<T> out;
  while (true) {
    Result<bool> row = stmt.step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(read(stmt, 0));
  }
}

// The first row read with `read`, or nullopt when there is none.
template <class T, class Read>
Result<std::optional<T>> read_one(Statement& stmt, Read read) {
  Result<bool> row = stmt.step();
  if (!row) return row.error();
  if (!*row) return std::optional<T>();
  return std::optional<T>(read(stmt, 0));
}

}  // namespace findme::store::sqlite
