#include "domain/storage_check.h"

#include <filesystem>
#include <set>
#include <span>
#include <system_error>

#include "domain/secrets.h"

namespace findme::domain {
namespace {

namespace fs = std::filesystem;

// The folders FileStore writes (file_store.cpp: folder_of).
constexpr std::string_view kFolders[] = {"photos", "thumbnails", "selfies"};

bool older_than(const fs::path& path, std::chrono::seconds grace) {
  std::error_code ec;
  const fs::file_time_type written = fs::last_write_time(path, ec);
  return !ec && fs::file_time_type::clock::now() - written >= grace;
}

// Checks one referenced file; adds what is wrong with it.
void check_reference(const store::FileReference& ref, const FileStore& files,
                     const StorageCheckOptions& options, std::vector<StorageProblem>& problems) {
  using Kind = StorageProblem::Kind;
  Result<fs::path> path = files.path_of(ref.key);
  std::error_code ec;
  if (!path || !fs::is_regular_file(*path, ec)) {
    problems.push_back({Kind::missing_file, ref.key, ref.row_id, ref.kind});
    return;
  }
  if (ref.kind != store::FileReference::Kind::photo) return;
  const std::uintmax_t size = fs::file_size(*path, ec);
  if (ec || (ref.byte_size >= 0 && size != static_cast<std::uintmax_t>(ref.byte_size))) {
    problems.push_back({Kind::wrong_size, ref.key, ref.row_id, ref.kind});
    return;
  }
  if (options.hash && !ref.content_sha256.empty()) {
    Result<std::string> bytes = files.read(ref.key);
    if (!bytes || sha256_hex(std::as_bytes(std::span(*bytes))) != ref.content_sha256) {
      problems.push_back({Kind::wrong_content, ref.key, ref.row_id, ref.kind});
    }
  }
}

// Walks the file folders; adds files no row refers to and temporary files left mid-write.
Result<std::size_t> find_unreferenced(const FileStore& files, const std::set<std::string>& keys,
                                      std::vector<StorageProblem>& problems) {
  std::size_t seen = 0;
  for (const std::string_view folder : kFolders) {
    const fs::path dir = files.root() / folder;
    std::error_code ec;
    if (!fs::exists(dir, ec)) continue;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      ++seen;
      const std::string key = fs::relative(it->path(), files.root(), ec).generic_string();
      if (keys.contains(key)) continue;
      const bool partial = it->path().filename().string().find(".tmp-") != std::string::npos;
      problems.push_back(
          {partial ? StorageProblem::Kind::partial_file : StorageProblem::Kind::orphan_file, key,
           0});
    }
    if (ec) {
      return make_error(Errc::unavailable, "cannot list " + dir.string() + ": " + ec.message());
    }
  }
  return seen;
}

// Queues the photo for indexing again (which also rewrites its thumbnail); false when it is gone.
Result<bool> reindex(store::Store& store, PhotoId id) {
  Result<std::optional<Photo>> photo = store.find_photo(id);
  if (!photo) return photo.error();
  if (!*photo) return false;
  Result<Job> queued = store.enqueue_job(
      {.kind = JobKind::index_photo, .event_id = (*photo)->event_id, .photo_id = id});
  if (!queued) return queued.error();
  return true;
}

// Fixes `problem` when it can be fixed; true when it was.
Result<bool> repair(const StorageProblem& problem, store::Store& store, const FileStore& files,
                    const StorageCheckOptions& options) {
  using Kind = StorageProblem::Kind;
  using Ref = store::FileReference::Kind;
  switch (problem.kind) {
    case Kind::orphan_file:
    case Kind::partial_file: {
      const fs::path path = files.root() / problem.key;
      if (!older_than(path, options.orphan_grace)) return false;
      std::error_code ec;
      return fs::remove(path, ec) && !ec;
    }
    case Kind::missing_file:
      if (problem.reference == Ref::photo) {
        Result<void> failed = store.mark_photo_failed(PhotoId{problem.row_id}, "file_missing");
        if (!failed) return failed.error();
        return true;
      }
      if (problem.reference == Ref::thumbnail) return reindex(store, PhotoId{problem.row_id});
      return false;  // a selfie: the attendee sends another
    case Kind::stranded_photo:
      return reindex(store, PhotoId{problem.row_id});
    case Kind::wrong_size:
    case Kind::wrong_content:
      return false;  // the bytes are what they are: an operator decides
  }
  return false;
}

}  // namespace

std::string_view to_string(StorageProblem::Kind kind) {
  switch (kind) {
    case StorageProblem::Kind::missing_file:
      return "missing_file";
    case StorageProblem::Kind::wrong_size:
      return "wrong_size";
    case StorageProblem::Kind::wrong_content:
      return "wrong_content";
    case StorageProblem::Kind::orphan_file:
      return "orphan_file";
    case StorageProblem::Kind::partial_file:
      return "partial_file";
    case StorageProblem::Kind::stranded_photo:
      return "stranded_photo";
  }
  return "unknown";
}

Result<StorageReport> check_storage(store::Store& store, const FileStore& files,
                                    const StorageCheckOptions& options) {
  Result<std::vector<store::FileReference>> refs = store.list_file_references();
  if (!refs) return refs.error();
  StorageReport report;
  report.rows_checked = refs->size();
  std::set<std::string> keys;
  for (const store::FileReference& ref : *refs) {
    keys.insert(ref.key);
    check_reference(ref, files, options, report.problems);
  }
  Result<std::size_t> seen = find_unreferenced(files, keys, report.problems);
  if (!seen) return seen.error();
  report.files_checked = *seen;
  Result<std::vector<Photo>> stranded = store.list_stranded_photos();
  if (!stranded) return stranded.error();
  for (const Photo& photo : *stranded) {
    report.problems.push_back({StorageProblem::Kind::stranded_photo, "", photo.id.value});
  }
  if (options.repair) {
    for (StorageProblem& problem : report.problems) {
      Result<bool> fixed = repair(problem, store, files, options);
      if (!fixed) return fixed.error();
      problem.repaired = *fixed;
    }
  }
  return report;
}

}  // namespace findme::domain
