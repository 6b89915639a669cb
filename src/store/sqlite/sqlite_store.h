// The embedded Store backend: one SQLite database file in WAL mode, with versioned migrations
// applied at open, foreign keys and synchronous=FULL commits.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/mutex.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/job_event_file.h"
#include "store/store.h"

namespace findme::store::sqlite {

struct SqliteOptions {
  std::string path;  // the database file; created (with -wal and -shm beside it) if missing
  // Read connections kept open at most; readers beyond this wait for one to be returned.
  int max_readers = 8;
  // How long a write waits for another process's write lock before Errc::unavailable.
  std::chrono::milliseconds busy_timeout{5000};
};

// Thread-safe. Writes go through one connection guarded by a mutex (SQLite serialises writers
// anyway; queueing on our mutex avoids busy-waiting on the file lock) and run as BEGIN IMMEDIATE
// transactions, so several processes sharing the file never deadlock on a lock upgrade. Reads
// use a pool of connections and see the last committed state (WAL snapshot isolation).
// `clock` must outlive the store.
class SqliteStore final : public Store {
 public:
  // Opens or creates the database and migrates it to the latest schema.
  // Errc::unavailable when the file cannot be opened; Errc::internal for a newer schema.
  static Result<std::unique_ptr<SqliteStore>> open(const SqliteOptions& options, Clock& clock);

  // Calls `callbacks` (on a watcher thread) soon after any process on this file queued or ended
  // a job, this one included: wakes the server's workers for jobs `findme import` queued, and
  // `findme import --wait` when a job ends. Call once, before the store is shared; the watcher
  // stops with the store. Errc::unavailable when the files cannot be watched (an in-memory
  // database, no inotify): polls still find the jobs, later.
  Result<void> listen_for_job_events(JobEventCallbacks callbacks);

  Result<void> ping() override;

  Result<User> create_user(const NewUser& user) override;
  Result<std::optional<User>> find_user(UserId id) override;
  Result<std::optional<User>> find_user_by_email(std::string_view email) override;
  Result<OrphanedKeys> delete_user(UserId id) override;
  Result<void> create_token(const NewToken& token) override;
  Result<std::optional<User>> find_user_by_token(std::string_view token_hash) override;
  Result<void> delete_token(std::string_view token_hash) override;
  Result<std::int64_t> delete_expired_tokens() override;
  Result<void> record_failed_login(std::string_view email) override;
  Result<std::int64_t> count_failed_logins(std::string_view email, Timestamp since) override;
  Result<void> clear_failed_logins(std::string_view email) override;
  Result<IdempotencyClaim> claim_idempotency_key(const IdempotencyRequest& request,
                                                 std::chrono::milliseconds stale_after) override;
  Result<void> complete_idempotency_key(std::string_view scope, std::string_view key, int status,
                                        std::string_view body) override;
  Result<void> release_idempotency_key(std::string_view scope, std::string_view key) override;
  Result<std::int64_t> delete_idempotency_keys(std::chrono::milliseconds older_than) override;

  Result<std::optional<Event>> create_event(const NewEvent& event) override;
  Result<std::optional<Event>> find_event(EventId id) override;
  Result<std::optional<Event>> find_event_by_code(std::string_view code) override;
  Result<std::vector<Event>> list_organizer_events(UserId organizer) override;
  Result<OrphanedKeys> delete_event(EventId id) override;
  Result<EventStats> event_stats(EventId id) override;
  Result<bool> join_event(UserId user, EventId event) override;
  Result<bool> is_member(UserId user, EventId event) override;
  Result<std::vector<Event>> list_joined_events(UserId user) override;

  Result<PhotoAndJob> add_photo_and_enqueue(const NewPhoto& photo) override;
  Result<std::optional<PhotoAndJob>> find_photo_by_content(
      EventId event, std::string_view content_sha256) override;
  Result<std::optional<Photo>> find_photo(PhotoId id) override;
  Result<std::vector<Photo>> list_event_photos(EventId event) override;
  Result<std::vector<Face>> save_photo_index(PhotoId photo, const PhotoIndex& index) override;
  Result<void> mark_photo_failed(PhotoId photo, std::string_view error_code) override;
  Result<std::vector<Face>> list_event_faces(EventId event) override;
  Result<std::vector<Face>> list_photo_faces(PhotoId photo) override;
  Result<std::optional<Face>> find_face(FaceId face) override;
  Result<bool> can_view_photo(UserId user, PhotoId photo) override;
  // sqlite_store_versions.cpp
  Result<std::optional<std::int64_t>> event_faces_version(EventId event) override;
  Result<FacesChanges> event_faces_changed_since(EventId event, std::int64_t since) override;

  Result<SelfieAndJob> add_selfie_and_enqueue(const NewSelfie& selfie, NewJob job) override;
  Result<std::optional<Selfie>> find_selfie(SelfieId id) override;
  Result<std::vector<Selfie>> list_user_selfies(UserId user) override;
  Result<void> set_selfie_embedding(SelfieId selfie, const FaceVector& embedding) override;
  Result<std::vector<AttendeeFace>> list_attendee_faces(EventId event) override;

  Result<void> upsert_matches(std::span<const NewMatch> matches) override;
  Result<bool> hide_match(UserId user, PhotoId photo) override;
  Result<std::vector<MatchedPhoto>> list_user_matches(UserId user,
                                                      std::optional<EventId> event) override;
  Result<std::int64_t> count_user_matches(UserId user, std::optional<EventId> event) override;
  Result<std::vector<MatchCandidate>> list_user_candidates(UserId user,
                                                           std::optional<EventId> event,
                                                           int limit) override;
  Result<std::int64_t> count_user_candidates(UserId user, std::optional<EventId> event) override;
  Result<std::optional<Match>> find_user_face_match(UserId user, FaceId face) override;
  Result<std::optional<MatchAnswer>> answer_match(UserId user, FaceId face, bool is_me) override;

  // sqlite_store_collections.cpp
  Result<void> create_access_key(const NewAccessKey& key) override;
  Result<std::optional<AccessKey>> find_access_key(std::string_view id, bool touch) override;
  Result<std::vector<AccessKey>> list_access_keys(UserId user) override;
  Result<bool> delete_access_key(UserId user, std::string_view id) override;
  Result<std::optional<FaceCollection>> create_collection(UserId owner,
                                                          std::string_view name) override;
  Result<std::optional<FaceCollection>> find_collection(UserId owner,
                                                        std::string_view name) override;
  Result<std::vector<FaceCollection>> list_collections(UserId owner, std::string_view after_name,
                                                       int limit) override;
  Result<bool> delete_collection(UserId owner, std::string_view name) override;
  Result<IndexedImageFaces> add_collection_faces(const NewImageFaces& image) override;
  Result<std::vector<CollectionFace>> list_collection_faces(CollectionId collection,
                                                            std::int64_t after_seq,
                                                            int limit) override;
  Result<std::optional<CollectionFace>> find_collection_face(CollectionId collection,
                                                             std::string_view face_id) override;
  Result<std::vector<std::string>> delete_collection_faces(
      CollectionId collection, std::span<const std::string> face_ids) override;

  Result<std::vector<FileReference>> list_file_references() override;
  Result<std::vector<Photo>> list_stranded_photos() override;
  Result<Job> enqueue_job(const NewJob& job) override;
  Result<std::optional<Job>> find_job(JobId id) override;
  Result<std::optional<Job>> claim_next_job(const ClaimRequest& request) override;
  Result<bool> extend_lease(JobId job, const WorkerId& worker, Timestamp until) override;
  Result<bool> complete_job(JobId job, std::string_view result) override;
  Result<std::optional<Job>> fail_job(JobId job, const JobFailure& failure) override;
  Result<std::int64_t> count_pending_jobs(UserId user) override;
  Result<std::int64_t> count_queued_jobs() override;
  Result<JobCounts> count_jobs() override;

 private:
  SqliteStore(SqliteOptions options, Clock& clock, std::unique_ptr<Connection> writer);

  // Runs `work(conn)` inside BEGIN IMMEDIATE ... COMMIT on the writer connection; rolls back
  // when it returns an error. `work` returns Result<T>.
  template <class Work>
  auto write(Work&& work) -> decltype(work(std::declval<Connection&>()));
  // Runs `work(conn)` on a pooled read connection; `snapshot` wraps it in one read transaction.
  template <class Work>
  auto read(Work&& work, bool snapshot = false) -> decltype(work(std::declval<Connection&>()));

  Result<std::unique_ptr<Connection>> acquire_reader();
  // Tell other processes (and this one's watcher) that `job` was queued or ended; after the
  // commit.
  void announce_queued(const Job& job) const;
  void announce_ended(JobId job) const;
  void release_reader(std::unique_ptr<Connection> conn);

  SqliteOptions options_;
  Clock& clock_;
  JobEventFiles job_event_files_;  // empty: in memory, nothing to announce
  Mutex write_mu_;
  std::unique_ptr<Connection> writer_ FINDME_GUARDED_BY(write_mu_);
  Mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Connection>> idle_readers_ FINDME_GUARDED_BY(pool_mu_);
  int open_readers_ FINDME_GUARDED_BY(pool_mu_) = 0;
  std::unique_ptr<JobEventWatcher> job_event_watcher_;  // last: stopped first
};

}  // namespace findme::store::sqlite
