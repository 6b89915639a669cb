// Row decoders shared by the PostgresStore queries, for the column lists of store/columns.h.
#pragma once

#include <optional>
#include <vector>

#include <pqxx/pqxx>  // the whole library: 6.4's headers are not self-contained

#include "core/entities.h"
#include "store/columns.h"

namespace findme::store::postgres {

// Each reads its columns starting at `first`.
User read_user(const pqxx::row& row, int first = 0);
Event read_event(const pqxx::row& row, int first = 0);
Photo read_photo(const pqxx::row& row, int first = 0);
Face read_face(const pqxx::row& row, int first = 0);
Selfie read_selfie(const pqxx::row& row, int first = 0);
Job read_job(const pqxx::row& row, int first = 0);
AccessKey read_access_key(const pqxx::row& row, int first = 0);
FaceCollection read_collection(const pqxx::row& row, int first = 0);
CollectionFace read_collection_face(const pqxx::row& row, int first = 0);

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
