#include "store/testing/failing_store.h"

#include <utility>

namespace findme::store::testing {

Result<void> FailingStore::ping() {
  return call([&] { return inner_.ping(); });
}

Result<User> FailingStore::create_user(const NewUser& user) {
  return call([&] { return inner_.create_user(user); });
}

Result<std::optional<User>> FailingStore::find_user(UserId id) {
  return call([&] { return inner_.find_user(id); });
}

Result<std::optional<User>> FailingStore::find_user_by_email(std::string_view email) {
  return call([&] { return inner_.find_user_by_email(email); });
}

Result<OrphanedKeys> FailingStore::delete_user(UserId id) {
  return call([&] { return inner_.delete_user(id); });
}

Result<void> FailingStore::create_token(const NewToken& token) {
  return call([&] { return inner_.create_token(token); });
}

Result<std::optional<User>> FailingStore::find_user_by_token(std::string_view token_hash) {
  return call([&] { return inner_.find_user_by_token(token_hash); });
}

Result<void> FailingStore::delete_token(std::string_view token_hash) {
  return call([&] { return inner_.delete_token(token_hash); });
}

Result<std::int64_t> FailingStore::delete_expired_tokens() {
  return call([&] { return inner_.delete_expired_tokens(); });
}

Result<void> FailingStore::record_failed_login(std::string_view email) {
  return call([&] { return inner_.record_failed_login(email); });
}

Result<std::int64_t> FailingStore::count_failed_logins(std::string_view email, Timestamp since) {
  return call([&] { return inner_.count_failed_logins(email, since); });
}

Result<void> FailingStore::clear_failed_logins(std::string_view email) {
  return call([&] { return inner_.clear_failed_logins(email); });
}

Result<IdempotencyClaim> FailingStore::claim_idempotency_key(
    const IdempotencyRequest& request, std::chrono::milliseconds stale_after) {
  return call([&] { return inner_.claim_idempotency_key(request, stale_after); });
}

Result<void> FailingStore::complete_idempotency_key(std::string_view scope, std::string_view key,
                                                    int status, std::string_view body) {
  return call([&] { return inner_.complete_idempotency_key(scope, key, status, body); });
}

Result<void> FailingStore::release_idempotency_key(std::string_view scope, std::string_view key) {
  return call([&] { return inner_.release_idempotency_key(scope, key); });
}

Result<std::int64_t> FailingStore::delete_idempotency_keys(std::chrono::milliseconds older_than) {
  return call([&] { return inner_.delete_idempotency_keys(older_than); });
}

Result<std::optional<Event>> FailingStore::create_event(const NewEvent& event) {
  return call([&] { return inner_.create_event(event); });
}

Result<std::optional<Event>> FailingStore::find_event(EventId id) {
  return call([&] { return inner_.find_event(id); });
}

Result<std::optional<Event>> FailingStore::find_event_by_code(std::string_view code) {
  return call([&] { return inner_.find_event_by_code(code); });
}

Result<std::vector<Event>> FailingStore::list_organizer_events(UserId organizer) {
  return call([&] { return inner_.list_organizer_events(organizer); });
}

Result<OrphanedKeys> FailingStore::delete_event(EventId id) {
  return call([&] { return inner_.delete_event(id); });
}

Result<EventStats> FailingStore::event_stats(EventId id) {
  return call([&] { return inner_.event_stats(id); });
}

Result<bool> FailingStore::join_event(UserId user, EventId event) {
  return call([&] { return inner_.join_event(user, event); });
}

Result<bool> FailingStore::is_member(UserId user, EventId event) {
  return call([&] { return inner_.is_member(user, event); });
}

Result<std::vector<Event>> FailingStore::list_joined_events(UserId user) {
  return call([&] { return inner_.list_joined_events(user); });
}

Result<PhotoAndJob> FailingStore::add_photo_and_enqueue(const NewPhoto& photo) {
  return call([&] { return inner_.add_photo_and_enqueue(photo); });
}

Result<std::vector<FileReference>> FailingStore::list_file_references() {
  return call([&] { return inner_.list_file_references(); });
}

Result<std::vector<Photo>> FailingStore::list_stranded_photos() {
  return call([&] { return inner_.list_stranded_photos(); });
}

Result<void> FailingStore::create_access_key(const NewAccessKey& key) {
  return call([&] { return inner_.create_access_key(key); });
}

Result<std::optional<AccessKey>> FailingStore::find_access_key(std::string_view id, bool touch) {
  return call([&] { return inner_.find_access_key(id, touch); });
}

Result<std::vector<AccessKey>> FailingStore::list_access_keys(UserId user) {
  return call([&] { return inner_.list_access_keys(user); });
}

Result<bool> FailingStore::delete_access_key(UserId user, std::string_view id) {
  return call([&] { return inner_.delete_access_key(user, id); });
}

Result<std::optional<FaceCollection>> FailingStore::create_collection(UserId owner,
                                                                      std::string_view name) {
  return call([&] { return inner_.create_collection(owner, name); });
}

Result<std::optional<FaceCollection>> FailingStore::find_collection(UserId owner,
                                                                    std::string_view name) {
  return call([&] { return inner_.find_collection(owner, name); });
}

Result<std::vector<FaceCollection>> FailingStore::list_collections(UserId owner,
                                                                   std::string_view after_name,
                                                                   int limit) {
  return call([&] { return inner_.list_collections(owner, after_name, limit); });
}

Result<bool> FailingStore::delete_collection(UserId owner, std::string_view name) {
  return call([&] { return inner_.delete_collection(owner, name); });
}

Result<IndexedImageFaces> FailingStore::add_collection_faces(const NewImageFaces& image) {
  return call([&] { return inner_.add_collection_faces(image); });
}

Result<std::vector<CollectionFace>> FailingStore::list_collection_faces(CollectionId collection,
                                                                        std::int64_t after_seq,
                                                                        int limit) {
  return call([&] { return inner_.list_collection_faces(collection, after_seq, limit); });
}

Result<std::optional<CollectionFace>> FailingStore::find_collection_face(CollectionId collection,
                                                                         std::string_view face_id) {
  return call([&] { return inner_.find_collection_face(collection, face_id); });
}

Result<std::vector<std::string>> FailingStore::delete_collection_faces(
    CollectionId collection, std::span<const std::string> face_ids) {
  return call([&] { return inner_.delete_collection_faces(collection, face_ids); });
}

Result<std::optional<PhotoAndJob>> FailingStore::find_photo_by_content(
    EventId event, std::string_view content_sha256) {
  return call([&] { return inner_.find_photo_by_content(event, content_sha256); });
}

Result<std::optional<Photo>> FailingStore::find_photo(PhotoId id) {
  return call([&] { return inner_.find_photo(id); });
}

Result<std::vector<Photo>> FailingStore::list_event_photos(EventId event) {
  return call([&] { return inner_.list_event_photos(event); });
}

Result<std::vector<Face>> FailingStore::save_photo_index(PhotoId photo, const PhotoIndex& index) {
  return call([&] { return inner_.save_photo_index(photo, index); });
}

Result<void> FailingStore::mark_photo_failed(PhotoId photo, std::string_view error_code) {
  return call([&] { return inner_.mark_photo_failed(photo, error_code); });
}

Result<std::vector<Face>> FailingStore::list_event_faces(EventId event) {
  return call([&] { return inner_.list_event_faces(event); });
}

Result<std::vector<Face>> FailingStore::list_photo_faces(PhotoId photo) {
  return call([&] { return inner_.list_photo_faces(photo); });
}

Result<std::optional<std::int64_t>> FailingStore::event_faces_version(EventId event) {
  return call([&] { return inner_.event_faces_version(event); });
}

Result<FacesChanges> FailingStore::event_faces_changed_since(EventId event, std::int64_t since) {
  return call([&] { return inner_.event_faces_changed_since(event, since); });
}

Result<bool> FailingStore::can_view_photo(UserId user, PhotoId photo) {
  return call([&] { return inner_.can_view_photo(user, photo); });
}

Result<SelfieAndJob> FailingStore::add_selfie_and_enqueue(const NewSelfie& selfie, NewJob job) {
  return call([&] { return inner_.add_selfie_and_enqueue(selfie, job); });
}

Result<std::optional<Selfie>> FailingStore::find_selfie(SelfieId id) {
  return call([&] { return inner_.find_selfie(id); });
}

Result<std::vector<Selfie>> FailingStore::list_user_selfies(UserId user) {
  return call([&] { return inner_.list_user_selfies(user); });
}

Result<void> FailingStore::set_selfie_embedding(SelfieId selfie, const FaceVector& embedding) {
  return call([&] { return inner_.set_selfie_embedding(selfie, embedding); });
}

Result<std::vector<AttendeeFace>> FailingStore::list_attendee_faces(EventId event) {
  return call([&] { return inner_.list_attendee_faces(event); });
}

Result<void> FailingStore::upsert_matches(std::span<const NewMatch> matches) {
  return call([&] { return inner_.upsert_matches(matches); });
}

Result<std::vector<MatchCandidate>> FailingStore::list_user_candidates(UserId user,
                                                                       std::optional<EventId> event,
                                                                       int limit) {
  return call([&] { return inner_.list_user_candidates(user, event, limit); });
}

Result<std::int64_t> FailingStore::count_user_candidates(UserId user,
                                                         std::optional<EventId> event) {
  return call([&] { return inner_.count_user_candidates(user, event); });
}

Result<std::optional<Match>> FailingStore::find_user_face_match(UserId user, FaceId face) {
  return call([&] { return inner_.find_user_face_match(user, face); });
}

Result<std::optional<MatchAnswer>> FailingStore::answer_match(UserId user, FaceId face,
                                                              bool is_me) {
  return call([&] { return inner_.answer_match(user, face, is_me); });
}

Result<std::optional<Face>> FailingStore::find_face(FaceId face) {
  return call([&] { return inner_.find_face(face); });
}

Result<bool> FailingStore::hide_match(UserId user, PhotoId photo) {
  return call([&] { return inner_.hide_match(user, photo); });
}

Result<std::vector<MatchedPhoto>> FailingStore::list_user_matches(UserId user,
                                                                  std::optional<EventId> event) {
  return call([&] { return inner_.list_user_matches(user, event); });
}

Result<std::int64_t> FailingStore::count_user_matches(UserId user, std::optional<EventId> event) {
  return call([&] { return inner_.count_user_matches(user, event); });
}

Result<Job> FailingStore::enqueue_job(const NewJob& job) {
  return call([&] { return inner_.enqueue_job(job); });
}

Result<std::optional<Job>> FailingStore::find_job(JobId id) {
  return call([&] { return inner_.find_job(id); });
}

Result<std::optional<Job>> FailingStore::claim_next_job(const ClaimRequest& request) {
  return call([&] { return inner_.claim_next_job(request); });
}

Result<bool> FailingStore::extend_lease(JobId job, const WorkerId& worker, Timestamp until) {
  return call([&] { return inner_.extend_lease(job, worker, until); });
}

Result<bool> FailingStore::complete_job(JobId job, std::string_view result) {
  return call([&] { return inner_.complete_job(job, result); });
}

Result<std::optional<Job>> FailingStore::fail_job(JobId job, const JobFailure& failure) {
  return call([&] { return inner_.fail_job(job, failure); });
}

Result<std::int64_t> FailingStore::count_pending_jobs(UserId user) {
  return call([&] { return inner_.count_pending_jobs(user); });
}

Result<std::int64_t> FailingStore::count_queued_jobs() {
  return call([&] { return inner_.count_queued_jobs(); });
}

Result<JobCounts> FailingStore::count_jobs() {
  return call([&] { return inner_.count_jobs(); });
}

}  // namespace findme::store::testing
