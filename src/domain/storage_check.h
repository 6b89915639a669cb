// `findme check`: the database against DATA_DIR. Every file a row refers to must exist (photo
// originals with their uploaded size and, with `hash`, their SHA-256); every file under the
// photo, thumbnail and selfie folders must belong to a row; every queued photo must have an
// indexing job that will run. With `repair` the problems that can be fixed are fixed.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "domain/file_store.h"
#include "store/store.h"

namespace findme::domain {

struct StorageProblem {
  enum class Kind {
    missing_file,    // a row's file is not there (repair: a photo original -> photo failed
                     // "file_missing"; a thumbnail -> the photo is indexed again)
    wrong_size,      // a photo original's size differs from the upload's (not repaired)
    wrong_content,   // its SHA-256 differs from the upload's (with `hash`; not repaired)
    orphan_file,     // a file no row refers to (repair: removed once older than the grace)
    partial_file,    // a temporary file a crash left mid-write (repair: as orphan_file)
    stranded_photo,  // queued with no job to index it (repair: an index job is queued)
  };
  Kind kind = Kind::missing_file;
  std::string key;          // the storage key (DATA_DIR-relative path); empty for photos
  std::int64_t row_id = 0;  // photo or selfie id; 0 for files without a row
  // What the row's reference is (missing_file, wrong_size, wrong_content); else nullopt.
  std::optional<store::FileReference::Kind> reference;
  bool repaired = false;
};

std::string_view to_string(StorageProblem::Kind kind);

struct StorageCheckOptions {
  bool hash = false;    // also compare photo originals' SHA-256 (reads every file)
  bool repair = false;  // fix what can be fixed
  // Files without a row younger than this are left alone even with `repair`: a server running on
  // the same DATA_DIR may be between writing an upload's file and committing its row.
  std::chrono::seconds orphan_grace{15 * 60};
};

struct StorageReport {
  std::size_t rows_checked = 0;   // file references read from the database
  std::size_t files_checked = 0;  // files found under DATA_DIR's folders
  std::vector<StorageProblem> problems;
  bool clean() const { return problems.empty(); }
};

// Reads every reference from `store` and walks `files.root()`. Errors: the store's; a folder
// that cannot be listed (Errc::unavailable). Problems are not errors: they are in the report.
Result<StorageReport> check_storage(store::Store& store, const FileStore& files,
                                    const StorageCheckOptions& options);

}  // namespace findme::domain
