// Row decoders shared by the SqliteStore queries, for the column lists of store/columns.h.
#pragma once

#include "core/entities.h"
#include "store/columns.h"
#include "store/sqlite/connection.h"

namespace findme::store::sqlite {

// Each reads its columns starting at `first`.
User read_user(const Statement& row, int first = 0);
Event read_event(const Statement& row, int first = 0);
Photo read_photo(const Statement& row, int first = 0);
Face read_face(const Statement& row, int first = 0);
Selfie read_selfie(const Statement& row, int first = 0);
Job read_job(const Statement& row, int first = 0);
AccessKey read_access_key(const Statement& row, int first = 0);
FaceCollection read_collection(const Statement& row, int first = 0);
CollectionFace read_collection_face(const Statement& row, int first = 0);

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
