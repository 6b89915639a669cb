// Durable state of findme: accounts, events, photos, faces, matches and jobs. Every backend
// passes the contract suite in testing/. Files themselves live in the file store; rows hold
// storage keys.
#pragma once

#include <chrono>
#include <climits>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/entities.h"
#include "core/result.h"

namespace findme::store {

// Storage keys of files no row refers to any more, returned by deletes so that the caller can
// remove the files after the rows are gone (rows first: a crash leaves a stray file, never a row
// pointing at a missing file).
using OrphanedKeys = std::vector<std::string>;

struct PhotoAndJob {
  Photo photo;
  Job job;
  // True when the event already held a photo with the same content: `photo` is that photo and
  // `job` its latest indexing job; nothing was stored.
  bool duplicate = false;
};

// A file a row refers to (storage checks: `findme check`).
struct FileReference {
  enum class Kind { photo, thumbnail, selfie };
  Kind kind = Kind::photo;
  std::int64_t row_id = 0;      // photo id (photo, thumbnail) or selfie id
  std::string key;              // DATA_DIR-relative storage key, never empty
  std::int64_t byte_size = -1;  // photos: the uploaded size; -1: unknown
  std::string content_sha256;   // photos stored since migration 5; else empty
};

struct SelfieAndJob {
  Selfie selfie;
  Job job;
};

// What answer_match() did: the match afterwards and, when this answer confirmed it, the query
// face written from the matched face (a selfie row without image) with its match_selfie job.
struct MatchAnswer {
  Match match;
  std::optional<SelfieAndJob> query;
};

struct ClaimRequest {
  WorkerId worker;
  std::chrono::milliseconds lease{std::chrono::minutes(5)};
  // Only jobs with priority <= max_priority: lets the pool keep a worker for interactive work.
  int max_priority = INT_MAX;
};

// What changed among an event's faces after a version (EmbeddingIndex freshness across processes).
struct FacesChanges {
  std::int64_t version = 0;     // the event's face version these changes bring a cache up to
  std::vector<PhotoId> photos;  // photos whose faces changed (replaced, possibly by none)
  std::vector<Face> faces;      // the current faces of those photos, ordered by id
};

struct JobFailure {
  std::string code;                          // Errc wire code, e.g. "no_face_found" or "internal"
  std::string message;                       // shown to the job's owner
  bool permanent = false;                    // true: fail now (retrying cannot help)
  std::chrono::milliseconds retry_delay{0};  // backoff before the next attempt
  // true: the environment failed, not the job (a full disk, the database away): it is retried
  // after retry_delay however many attempts it has had, so the work resumes by itself once the
  // environment recovers instead of ending failed after max_attempts.
  bool keep_trying = false;
};

// A request carrying an Idempotency-Key header, as the store keeps it.
struct IdempotencyRequest {
  std::string scope;        // whose key: "user:42", or "anonymous" for sign-ups
  std::string key;          // the header's value
  std::string fingerprint;  // a hash of what was asked (method, path, body)
};

struct IdempotencyClaim {
  enum class State {
    claimed,      // new key (or a stale claim taken over): do the work, then complete or release
    completed,    // the same request already succeeded: answer with `status` and `body`
    in_progress,  // another claim on this key is still open
    mismatch,     // the key was used for a different request
  };
  State state = State::claimed;
  int status = 0;    // completed: the stored answer
  std::string body;  // completed: the stored answer
};

// What add_collection_faces() stored, or found stored before.
struct IndexedImageFaces {
  std::vector<CollectionFace> faces;  // in input order, or the earlier call's order
  // True when the collection already held faces of this image with this external image id: they
  // are returned and nothing was stored (indexing an image twice stores no duplicates).
  bool duplicate = false;
};

// Thread-safe: one instance serves every request and worker thread.
// Each call is its own transaction; "durable" means committed with a full sync, so a call that
// returned success survives a crash or power loss.
// Every call may fail with Errc::unavailable (database unreachable, locked for too long or out of
// space) or Errc::internal (anything else unexpected); messages never contain SQL or paths.
// Other Errc values are listed per call. Emails compare ASCII-case-insensitively; event codes are
// stored upper case and compared case-insensitively. "now" comes from the Clock the backend was
// constructed with.
class Store {
 public:
  virtual ~Store() = default;

  // Health: a trivial query on the database (for /readyz).
  virtual Result<void> ping() = 0;

  // ---- accounts --------------------------------------------------------------------------
  // Errc::email_taken when the address is already registered (in any letter case).
  virtual Result<User> create_user(const NewUser& user) = 0;
  virtual Result<std::optional<User>> find_user(UserId id) = 0;
  virtual Result<std::optional<User>> find_user_by_email(std::string_view email) = 0;
  // Erases the user with their tokens, memberships, selfies (and embeddings), matches, jobs,
  // access keys and face collections with every face; for an organizer also every event they
  // organize (as delete_event). Returns the storage keys of the selfies and photos erased
  // (collection faces have no files). Errc::not_found for an unknown id.
  virtual Result<OrphanedKeys> delete_user(UserId id) = 0;

  // Errc::not_found when the user does not exist. A duplicate hash is Errc::internal.
  virtual Result<void> create_token(const NewToken& token) = 0;
  // The token's user; nullopt when the hash is unknown or the token expired (expires_at <= now).
  virtual Result<std::optional<User>> find_user_by_token(std::string_view token_hash) = 0;
  // Idempotent: deleting an unknown token succeeds.
  virtual Result<void> delete_token(std::string_view token_hash) = 0;
  // Housekeeping; returns how many expired tokens were removed.
  virtual Result<std::int64_t> delete_expired_tokens() = 0;

  // Login throttling. Attempts are recorded at "now" per email (any case) whether or not an
  // account exists; count_failed_logins counts those with time >= since.
  virtual Result<void> record_failed_login(std::string_view email) = 0;
  virtual Result<std::int64_t> count_failed_logins(std::string_view email, Timestamp since) = 0;
  // After a successful login; also drops attempts older than a day for every email.
  virtual Result<void> clear_failed_logins(std::string_view email) = 0;

  // ---- idempotency keys (the Idempotency-Key header: retries that do the work once) ------
  // Claims request.key in request.scope before the work: `claimed` when the key is new, or when
  // an open claim is older than `stale_after` (its process died mid-request); `completed`
  // with the stored answer when the same request (fingerprint) already succeeded; `in_progress`
  // while another claim is open; `mismatch` when the key was used with another fingerprint. Two
  // concurrent claims of one key (threads or processes) never both get `claimed`.
  virtual Result<IdempotencyClaim> claim_idempotency_key(const IdempotencyRequest& request,
                                                         std::chrono::milliseconds stale_after) = 0;
  // Stores the answer of a claimed key; later claims with the same fingerprint get it.
  virtual Result<void> complete_idempotency_key(std::string_view scope, std::string_view key,
                                                int status, std::string_view body) = 0;
  // Drops an open claim (the work did not happen: a retry does it); a completed key stays.
  virtual Result<void> release_idempotency_key(std::string_view scope, std::string_view key) = 0;
  // Housekeeping: forgets keys claimed longer ago than `older_than`; returns how many.
  virtual Result<std::int64_t> delete_idempotency_keys(std::chrono::milliseconds older_than) = 0;

  // ---- events ----------------------------------------------------------------------------
  // nullopt when the code is already in use (any case): the domain generates another.
  // Errc::not_found when the organizer does not exist.
  virtual Result<std::optional<Event>> create_event(const NewEvent& event) = 0;
  // The finders fill Event::photo_count. Unknown id or code: nullopt.
  virtual Result<std::optional<Event>> find_event(EventId id) = 0;
  virtual Result<std::optional<Event>> find_event_by_code(std::string_view code) = 0;
  // The organizer's events, newest first (ties by id descending).
  virtual Result<std::vector<Event>> list_organizer_events(UserId organizer) = 0;
  // Erases the event, its photos, faces, matches, memberships and jobs. Returns the photos'
  // storage and thumbnail keys. Errc::not_found for an unknown id. Authorisation is the domain's.
  virtual Result<OrphanedKeys> delete_event(EventId id) = 0;
  // One consistent snapshot. Errc::not_found for an unknown id.
  virtual Result<EventStats> event_stats(EventId id) = 0;

  // ---- memberships -----------------------------------------------------------------------
  // Idempotent; the consent time is "now" at the first join and kept afterwards. Returns true
  // when this call created the membership. Errc::not_found when the user or event is unknown.
  virtual Result<bool> join_event(UserId user, EventId event) = 0;
  virtual Result<bool> is_member(UserId user, EventId event) = 0;
  // Events the user joined, in joining order.
  virtual Result<std::vector<Event>> list_joined_events(UserId user) = 0;

  // ---- photos and faces ------------------------------------------------------------------
  // Stores the photo row (status queued) and its index_photo job (owner photo.uploaded_by,
  // kPriorityBackground) in one durable transaction, so a crash leaves the photo either absent
  // or queued, never stored and forgotten. Errc::not_found when the event is unknown. With
  // photo.content_sha256 set and a photo of that content already in the event (also one stored
  // by a concurrent call, in any process), stores nothing and returns that photo as a duplicate.
  virtual Result<PhotoAndJob> add_photo_and_enqueue(const NewPhoto& photo) = 0;
  // The event's photo with that content and its latest index_photo job, marked duplicate;
  // nullopt when there is none.
  virtual Result<std::optional<PhotoAndJob>> find_photo_by_content(
      EventId event, std::string_view content_sha256) = 0;
  virtual Result<std::optional<Photo>> find_photo(PhotoId id) = 0;
  // In upload order (ascending id).
  virtual Result<std::vector<Photo>> list_event_photos(EventId event) = 0;
  // In one transaction: replaces every face of the photo with `index.faces`, sets width, height,
  // thumbnail key (when non-empty), face_count and status indexed; clears the error. Running it
  // again with the same input leaves the same state (new face ids; matches keep their rows and
  // lose their face id). Returns the stored faces in input order. Errc::not_found when the photo
  // is gone (e.g. its event was deleted meanwhile).
  virtual Result<std::vector<Face>> save_photo_index(PhotoId photo, const PhotoIndex& index) = 0;
  // Status failed with the reason (an Errc wire code), e.g. by `findme check --repair` for a photo
  // whose file is gone (fail_job marks a failed index job's photo itself). Errc::not_found when the
  // photo is gone.
  virtual Result<void> mark_photo_failed(PhotoId photo, std::string_view error_code) = 0;
  // Every face of the event's photos with embeddings, ordered by id: loads the matching matrix.
  virtual Result<std::vector<Face>> list_event_faces(EventId event) = 0;
  virtual Result<std::vector<Face>> list_photo_faces(PhotoId photo) = 0;
  // One face; nullopt for an unknown id (also once a re-index replaced it).
  virtual Result<std::optional<Face>> find_face(FaceId face) = 0;
  // True for the organizer of the photo's event, and for a user with a visible match on the
  // photo (band sure or state confirmed, and not rejected): a maybe match gives no access.
  // False for anyone else and for an unknown photo.
  virtual Result<bool> can_view_photo(UserId user, PhotoId photo) = 0;

  // ---- face versions (embedding caches in several processes) ----------------------------
  // The event's face version: it grows in the same transaction as every change to the faces of
  // the event's photos (save_photo_index, also in another process). nullopt for an unknown event.
  // One indexed row: cheap enough to ask before every match.
  virtual Result<std::optional<std::int64_t>> event_faces_version(EventId event) = 0;
  // The photos whose faces changed after version `since` (0: every photo that has faces), with
  // their current faces. `version` is read before the faces, so a change racing this call is
  // either included or shows up as a newer version later (applying a photo twice is harmless).
  virtual Result<FacesChanges> event_faces_changed_since(EventId event, std::int64_t since) = 0;

  // ---- selfies ---------------------------------------------------------------------------
  // Stores the selfie row and its match_selfie job in one durable transaction. `job.kind`,
  // `job.owner_id` and `job.selfie_id` are set by the store (match_selfie, the selfie's user, the
  // new selfie); `job.event_id` 0 means every event the user joined. Errc::not_found when the user
  // is unknown.
  virtual Result<SelfieAndJob> add_selfie_and_enqueue(const NewSelfie& selfie, NewJob job) = 0;
  virtual Result<std::optional<Selfie>> find_selfie(SelfieId id) = 0;
  // Oldest first.
  virtual Result<std::vector<Selfie>> list_user_selfies(UserId user) = 0;
  // Errc::not_found when the selfie is gone.
  virtual Result<void> set_selfie_embedding(SelfieId selfie, const FaceVector& embedding) = 0;
  // Every selfie embedding of every member of the event (selfies without one are skipped), and
  // the members' query faces of this event (those of other events are not listed).
  virtual Result<std::vector<AttendeeFace>> list_attendee_faces(EventId event) = 0;

  // ---- matches ---------------------------------------------------------------------------
  // A match is visible (its photo is in my-photos and may be viewed) when its band is sure or
  // the attendee confirmed it, and it is not rejected. A maybe match that is not answered yet is
  // a candidate: only its face crop is offered ("Is this you?").
  //
  // In one transaction, at most one match per (user, photo): an existing match keeps the smaller
  // distance (and that distance's face); the band becomes sure when either is sure (a sure match
  // is never downgraded); the state (confirmed, rejected) is kept. Matches whose user or photo is
  // gone are skipped silently (the job raced a delete).
  virtual Result<void> upsert_matches(std::span<const NewMatch> matches) = 0;
  // "This isn't me": the match becomes rejected, hidden from my-photos, candidates and
  // visibility for good. False when there is no such match.
  virtual Result<bool> hide_match(UserId user, PhotoId photo) = 0;
  // The user's visible matches joined with photo and event code, best (smallest distance) first,
  // ties by photo id; every event when `event` is nullopt.
  virtual Result<std::vector<MatchedPhoto>> list_user_matches(UserId user,
                                                              std::optional<EventId> event) = 0;
  virtual Result<std::int64_t> count_user_matches(UserId user, std::optional<EventId> event) = 0;
  // The user's candidates (maybe, not answered, face still present), best first (smallest
  // distance, ties by face id), at most `limit`; every event when `event` is nullopt.
  virtual Result<std::vector<MatchCandidate>> list_user_candidates(UserId user,
                                                                   std::optional<EventId> event,
                                                                   int limit) = 0;
  virtual Result<std::int64_t> count_user_candidates(UserId user, std::optional<EventId> event) = 0;
  // The user's match whose best face is `face`, in any band or state; nullopt when none.
  virtual Result<std::optional<Match>> find_user_face_match(UserId user, FaceId face) = 0;
  // The attendee's answer to "Is this you?" about `face`, in one durable transaction. Only a
  // match that is maybe or already answered can be answered; nullopt otherwise (no such match,
  // or a sure match never asked about). is_me: a match not answered yet becomes confirmed, and
  // the face's embedding is stored as a query face of the user for the match's event (a selfie
  // row with an empty storage key, Selfie::event_id set) with its match_selfie job over that
  // event (kPriorityInteractive); a confirmed match stays confirmed, a rejected one rejected.
  // Not is_me: the match becomes rejected, and a query face made from this face is deleted.
  // Answering again the same way changes nothing.
  virtual Result<std::optional<MatchAnswer>> answer_match(UserId user, FaceId face, bool is_me) = 0;

  // ---- storage checks (`findme check`) ----------------------------------------------------
  // Every file any row refers to: photo originals and thumbnails, selfie images (query faces
  // without an image are left out). Ordered by kind, then row id.
  virtual Result<std::vector<FileReference>> list_file_references() = 0;
  // Photos still queued for indexing that have no queued or running index_photo job (nothing
  // would ever index them), with their event. Ordered by id.
  virtual Result<std::vector<Photo>> list_stranded_photos() = 0;

  // ---- access keys (the Rekognition-compatible API) --------------------------------------
  // Errc::not_found when the user is unknown. A duplicate id is Errc::internal.
  virtual Result<void> create_access_key(const NewAccessKey& key) = 0;
  // nullopt for an unknown id. Sets last_used_at to now when `touch` (a signed request used it).
  virtual Result<std::optional<AccessKey>> find_access_key(std::string_view id, bool touch) = 0;
  // Oldest first.
  virtual Result<std::vector<AccessKey>> list_access_keys(UserId user) = 0;
  // False when the user has no key with that id (another user's key is not deleted).
  virtual Result<bool> delete_access_key(UserId user, std::string_view id) = 0;

  // ---- face collections -------------------------------------------------------------------
  // nullopt when the owner already has a collection of that name. Errc::not_found when the owner
  // is unknown.
  virtual Result<std::optional<FaceCollection>> create_collection(UserId owner,
                                                                  std::string_view name) = 0;
  // With face_count and faces_version. nullopt when the owner has none of that name.
  virtual Result<std::optional<FaceCollection>> find_collection(UserId owner,
                                                                std::string_view name) = 0;
  // The owner's collections with names greater than `after_name` (byte order), ascending, at
  // most `limit`; with face_count.
  virtual Result<std::vector<FaceCollection>> list_collections(UserId owner,
                                                               std::string_view after_name,
                                                               int limit) = 0;
  // Deletes the collection with its faces. False when the owner has none of that name.
  virtual Result<bool> delete_collection(UserId owner, std::string_view name) = 0;
  // In one transaction: when the collection already holds faces with this image_id and
  // external_image_id, returns them as a duplicate and stores nothing; otherwise stores every
  // face and bumps the collection's faces_version. An image with no faces stores nothing (and is
  // not a duplicate). Errc::not_found when the collection is gone.
  virtual Result<IndexedImageFaces> add_collection_faces(const NewImageFaces& image) = 0;
  // The collection's faces with seq > after_seq, by seq ascending, at most `limit`.
  virtual Result<std::vector<CollectionFace>> list_collection_faces(CollectionId collection,
                                                                    std::int64_t after_seq,
                                                                    int limit) = 0;
  virtual Result<std::optional<CollectionFace>> find_collection_face(CollectionId collection,
                                                                     std::string_view face_id) = 0;
  // Deletes those of `face_ids` that are in the collection (others are ignored) and bumps
  // faces_version when any was; returns the ids deleted, in input order.
  virtual Result<std::vector<std::string>> delete_collection_faces(
      CollectionId collection, std::span<const std::string> face_ids) = 0;

  // ---- jobs ------------------------------------------------------------------------------
  // A queued job runnable from now. Errc::not_found when a referenced row is unknown.
  virtual Result<Job> enqueue_job(const NewJob& job) = 0;
  virtual Result<std::optional<Job>> find_job(JobId id) = 0;
  // Leases the next runnable job to request.worker for request.lease and increments attempts.
  // Runnable: queued with run_after <= now, or running with an expired lease (its worker died).
  // Order: priority ascending, then run_after, then id. A job whose expired lease used its last
  // attempt is failed ("internal") instead of being claimed. nullopt when nothing is runnable.
  // Two concurrent calls (threads or processes) never receive the same job.
  virtual Result<std::optional<Job>> claim_next_job(const ClaimRequest& request) = 0;
  // Extends a running job's lease to `until`; false when the lease is no longer the worker's.
  virtual Result<bool> extend_lease(JobId job, const WorkerId& worker, Timestamp until) = 0;
  // Ends the job as done with `result` and finished_at = now. True when this call ended it; false
  // when it had already ended or is gone (completing twice is harmless).
  virtual Result<bool> complete_job(JobId job, std::string_view result) = 0;
  // Records the failure. Permanent, or attempts >= max_attempts: the job ends failed. Otherwise it
  // is queued again with run_after = now + retry_delay and no lease. Returns the job afterwards;
  // nullopt when it is gone. A job that already ended is returned unchanged. When an index_photo
  // job ends failed (here or in claim_next_job), its photo becomes failed with the job's code.
  virtual Result<std::optional<Job>> fail_job(JobId job, const JobFailure& failure) = 0;
  // The user's jobs that are queued or running (my-photos "pending_jobs").
  virtual Result<std::int64_t> count_pending_jobs(UserId user) = 0;
  // Jobs with status queued, over the whole database: the durable queue limit (429 busy).
  virtual Result<std::int64_t> count_queued_jobs() = 0;
  // Jobs by status (for /metrics).
  virtual Result<JobCounts> count_jobs() = 0;
};

}  // namespace findme::store
