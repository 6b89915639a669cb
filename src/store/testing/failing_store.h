// Fault injection for tests of the layers above the store: a Store that forwards to another one
// and fails chosen calls with Errc::unavailable, as a lost database would.
#pragma once

#include <atomic>
#include <cstdint>

#include "store/store.h"

namespace findme::store::testing {

// Thread-safe when `inner` is. `inner` must outlive this object.
class FailingStore final : public Store {
 public:
  // Fails the `fail_on`-th call counted from 1 (0: never), and every call after it when
  // `keep_failing` is set.
  explicit FailingStore(Store& inner, std::int64_t fail_on = 0, bool keep_failing = false)
      : inner_(inner), fail_on_(fail_on), keep_failing_(keep_failing) {}

  // Restarts counting: the next `fail_on`-th call fails.
  void fail_on(std::int64_t n, bool keep_failing = false) {
    calls_ = 0;
    fail_on_ = n;
    keep_failing_ = keep_failing;
    lose_answer_ = false;
  }
  // Restarts counting: the next `n`-th call is done by the inner store, and then reported failed
  // (a commit that went through on a connection that died before its answer came back).
  void lose_answer_of(std::int64_t n) {
    fail_on(n);
    lose_answer_ = true;
  }
  std::int64_t calls() const { return calls_.load(); }

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
  Result<std::vector<FileReference>> list_file_references() override;
  Result<std::vector<Photo>> list_stranded_photos() override;
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
  template <class F>
  auto call(F&& forward) -> decltype(forward()) {
    std::int64_t n = ++calls_;
    std::int64_t target = fail_on_.load();
    if (target != 0 && (n == target || (keep_failing_.load() && n > target))) {
      if (lose_answer_.load()) (void)forward();
      return make_error(Errc::unavailable, "injected store failure; try again later");
    }
    return forward();
  }

  Store& inner_;
  std::atomic<std::int64_t> calls_{0};
  std::atomic<std::int64_t> fail_on_;
  std::atomic<bool> keep_failing_;
  std::atomic<bool> lose_answer_{false};
};

}  // namespace findme::store::testing
