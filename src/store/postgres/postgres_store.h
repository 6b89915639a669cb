// The scale-out Store backend: PostgreSQL through libpqxx, with a bounded connection pool,
// versioned migrations applied at open under an advisory lock, and a job queue that several
// findme processes share (SELECT ... FOR UPDATE SKIP LOCKED plus leases).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/clock.h"
#include "store/postgres/connection_pool.h"
#include "store/postgres/job_events_listener.h"
#include "store/postgres/query.h"
#include "store/store.h"

namespace findme::store::postgres {

struct PostgresOptions {
  PoolOptions pool;
};

// Thread-safe; several processes may open the same database. Each call runs as one READ
// COMMITTED transaction on a pooled connection (reads that are one statement run without
// BEGIN/COMMIT). A transient outage (server restarting, connection lost, pool exhausted) is
// Errc::unavailable, returned fast; the pool reconnects by itself once the server is back.
// `clock` must outlive the store.
class PostgresStore final : public Store {
 public:
  // Connects, migrates to the latest schema and keeps the connection in the pool.
  // Errc::unavailable when the server cannot be reached; Errc::internal for a newer schema.
  static Result<std::unique_ptr<PostgresStore>> open(const PostgresOptions& options, Clock& clock);

  // Pool use for /metrics; thread-safe.
  PoolStats pool_stats() const { return pool_.stats(); }

  // Calls `callbacks` (on a listener thread) whenever any process on this database queues a job
  // or changes a job's state, this one included: wakes local workers and long polls for work
  // done elsewhere. Call once, before the store is shared; the listener stops with the store.
  void listen_for_job_events(JobEventCallbacks callbacks);

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

  // postgres_store_events.cpp
  Result<std::optional<Event>> create_event(const NewEvent& event) override;
  Result<std::optional<Event>> find_event(EventId id) override;
  Result<std::optional<Event>> find_event_by_code(std::string_view code) override;
  Result<std::vector<Event>> list_organizer_events(UserId organizer) override;
  Result<OrphanedKeys> delete_event(EventId id) override;
  Result<EventStats> event_stats(EventId id) override;
  Result<bool> join_event(UserId user, EventId event) override;
  Result<bool> is_member(UserId user, EventId event) override;
  Result<std::vector<Event>> list_joined_events(UserId user) override;

  // postgres_store_photos.cpp
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
  Result<std::optional<std::int64_t>> event_faces_version(EventId event) override;
  Result<FacesChanges> event_faces_changed_since(EventId event, std::int64_t since) override;

  // postgres_store_matches.cpp
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

  // postgres_store_collections.cpp
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

  // postgres_store_jobs.cpp
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
  PostgresStore(PoolOptions pool, Clock& clock);

  // Runs `work(session)` in one transaction and commits when it returns a value; rolls back on
  // an error. `work` returns Result<T> and may be run twice: when the connection turns out to be
  // dead before anything was sent, and after a deadlock or serialization failure (rolled back).
  // Defined in postgres_store_inl.h.
  template <class Work>
  auto write(Work&& work) -> decltype(work(std::declval<Session&>()));
  // Runs `work(session)` without a transaction block: for calls that are one statement.
  template <class Work>
  auto read(Work&& work) -> decltype(work(std::declval<Session&>()));

  ConnectionPool pool_;
  Clock& clock_;
  std::unique_ptr<JobEventListener> listener_;  // last: stops before the rest goes
};

}  // namespace findme::store::postgres
