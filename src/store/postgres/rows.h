// Column lists and row decoders shared by the PostgresStore queries. Each FINDME_PG_*_COLUMNS(p)
// macro expands to a string literal, so queries stay single constexpr strings; `p` is a table
// alias with its dot ("p.") or "" (e.g. in RETURNING clauses).
#pragma once

#include <optional>
#include <vector>

#include <pqxx/pqxx>  // the whole library: 6.4's headers are not self-contained

#include "core/entities.h"

// 6 columns.
#define FINDME_PG_USER_COLUMNS(p) \
  p "id, " p "email, " p "name, " p "role, " p "password_hash, " p "created_at"
// 7 columns.
#define FINDME_PG_EVENT_COLUMNS(p)                                                     \
  p "id, " p "code, " p "name, " p "organizer_id, " p "starts_at, " p "created_at, " p \
    "photo_"                                                                           \
    "count"
// 13 columns.
#define FINDME_PG_PHOTO_COLUMNS(p)                                                            \
  p "id, " p "event_id, " p "filename, " p "storage_key, " p "thumbnail_key, " p              \
    "content_type, " p "byte_size, " p "width, " p "height, " p "status, " p "face_count, " p \
    "error, " p "created_at"
// 9 columns.
#define FINDME_PG_FACE_COLUMNS(p)                                                    \
  p "id, " p "photo_id, " p "box_x, " p "box_y, " p "box_width, " p "box_height, " p \
    "detection_score, " p "usable, " p "embedding"
// 6 columns.
#define FINDME_PG_SELFIE_COLUMNS(p) \
  p "id, " p "user_id, " p "storage_key, " p "embedding, " p "created_at, " p "event_id"
// 18 columns.
#define FINDME_PG_JOB_COLUMNS(p)                                                                  \
  p "id, " p "kind, " p "status, " p "owner_id, " p "event_id, " p "photo_id, " p "selfie_id, " p \
    "priority, " p "attempts, " p "max_attempts, " p "run_after, " p "lease_owner, " p            \
    "lease_until, " p "error_code, " p "error_message, " p "result, " p "created_at, " p          \
    "finished_at"

namespace findme::store::postgres {

inline constexpr int kPhotoColumns = 13;

// Each reads its columns starting at `first`.
User read_user(const pqxx::row& row, int first = 0);
Event read_event(const pqxx::row& row, int first = 0);
Photo read_photo(const pqxx::row& row, int first = 0);
Face read_face(const pqxx::row& row, int first = 0);
Selfie read_selfie(const pqxx::row& row, int first = 0);
Job read_job(const pqxx::row& row, int first = 0);

// Every row read with `read`.
template <class T, class Read>
std::vector<T> read_all(const pqxx::result& rows, Read read) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const pqxx::row& row : rows) out.push_back(read(row, 0));
  return out;
}

// The first row read with `read`, or nullopt when there is none.
template <class T, class Read>
std::optional<T> read_one(const pqxx::result& rows, Read read) {
  if (rows.empty()) return std::nullopt;
  return read(rows[0], 0);
}

}  // namespace findme::store::postgres
