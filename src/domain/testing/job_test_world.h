// A hermetic world for job tests: a temporary SQLite database and DATA_DIR, a ManualClock, the
// fake decoder and face script, an organizer with one event. Header-only; tests only.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include <gtest/gtest.h>
#include <stdlib.h>

#include "core/testing/manual_clock.h"
#include "core/testing/temp_dir.h"
#include "domain/embedding_index.h"
#include "domain/file_store.h"
#include "domain/job_runner.h"
#include "domain/testing/fake_face_engine.h"
#include "store/sqlite/sqlite_store.h"

namespace findme::domain::testing {

using findme::TempDir;

inline std::unique_ptr<store::sqlite::SqliteStore> open_store(const TempDir& dir, Clock& clock) {
  auto opened =
      store::sqlite::SqliteStore::open({.path = (dir.path() / "findme.db").string()}, clock);
  if (!opened) {
    ADD_FAILURE() << "cannot open the store: " << opened.error().message;
    return nullptr;
  }
  return std::move(*opened);
}

template <class T>
T must(Result<T> result) {
  if (!result) {
    ADD_FAILURE() << "unexpected error: " << result.error().message;
    std::abort();
  }
  return std::move(*result);
}

// The bytes of a string, as uploads carry them.
inline std::span<const std::byte> bytes_of(const std::string& s) {
  return std::as_bytes(std::span(s));
}

inline void must(const Result<void>& result) {
  if (!result) {
    ADD_FAILURE() << "unexpected error: " << result.error().message;
    std::abort();
  }
}

class JobWorld {
 public:
  JobWorld()
      : store_ptr(open_store(dir, clock)),
        store(*store_ptr),
        files(dir.path() / "data"),
        index(store),
        context{store, files, decoder, index} {
    organizer = must(store.create_user({.email = "org@example.org",
                                        .name = "Org",
                                        .role = Role::organizer,
                                        .password_hash = "x"}));
    event =
        *must(store.create_event({.organizer_id = organizer.id, .code = "HARBRX", .name = "Run"}));
  }

  UserId add_attendee(const std::string& name, std::optional<EventId> join = std::nullopt) {
    User user = must(store.create_user({.email = name + "@example.org",
                                        .name = name,
                                        .role = Role::attendee,
                                        .password_hash = "x"}));
    must(store.join_event(user.id, join.value_or(event.id)));
    return user.id;
  }

  store::PhotoAndJob add_photo(const std::string& bytes, std::optional<EventId> in = std::nullopt) {
    const std::string key = files.new_key(FileKind::photo, "jpg");
    EXPECT_TRUE(files.write(key, std::as_bytes(std::span(bytes.data(), bytes.size()))));
    return must(
        store.add_photo_and_enqueue({.event_id = in.value_or(event.id),
                                     .uploaded_by = organizer.id,
                                     .filename = "p.jpg",
                                     .storage_key = key,
                                     .content_type = "image/jpeg",
                                     .byte_size = static_cast<std::int64_t>(bytes.size())}));
  }

  // A selfie of `user`; `scope` 0 means every joined event.
  store::SelfieAndJob add_selfie(UserId user, const std::string& bytes, EventId scope = {}) {
    const std::string key = files.new_key(FileKind::selfie, "jpg");
    EXPECT_TRUE(files.write(key, std::as_bytes(std::span(bytes.data(), bytes.size()))));
    NewJob job;
    job.event_id = scope;
    job.priority = kPriorityInteractive;
    return must(store.add_selfie_and_enqueue({.user_id = user, .storage_key = key}, job));
  }

  Job job(JobId id) { return *must(store.find_job(id)); }
  Photo photo(PhotoId id) { return *must(store.find_photo(id)); }

  TempDir dir;
  ManualClock clock;
  std::unique_ptr<store::sqlite::SqliteStore> store_ptr;
  store::Store& store;
  FileStore files;
  FakeImageDecoder decoder;
  EmbeddingIndex index;
  FaceScript script;
  JobContext context;
  User organizer;
  Event event;
};

}  // namespace findme::domain::testing
