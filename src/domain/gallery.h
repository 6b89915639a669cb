// An attendee's view of their matches: "my photos", "this isn't me", and their own jobs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/entities.h"
#include "core/result.h"
#include "domain/embedding_index.h"
#include "domain/similarity.h"
#include "store/store.h"

namespace findme::domain {

struct MyPhoto {
  Photo photo;  // width and height are the original's
  std::string event_code;
  float similarity = 0.0f;  // in [0, 1]; see similarity()
};

struct MyPhotos {
  std::vector<MyPhoto> photos;    // best first (highest similarity), ties by photo id
  std::int64_t pending_jobs = 0;  // the user's queued or running jobs
  std::int64_t candidates = 0;    // "Is this you?" faces waiting for an answer (same scope)
};

// A face the attendee is asked about ("Is this you?"): a maybe match not answered yet.
struct MyCandidate {
  FaceId face_id;
  PhotoId photo_id;
  std::string event_code;
  float similarity = 0.0f;  // in [0, 1]; see similarity()
};

// At most this many candidates per call: a short list to answer, the next ones come after.
inline constexpr int kMaxCandidatesPerCall = 20;

// Thread-safe (holds only references). `store` must outlive it. `threshold` must be the one the
// jobs match with (MATCH_THRESHOLD), so that similarity 0.5 is the matching boundary.
class Gallery {
 public:
  explicit Gallery(store::Store& store, float threshold = kDefaultMatchThreshold);

  // The user's visible matches, in every joined event or in the one named by `event_code`.
  // An event the user has not joined gives an empty list (API.md decision 2).
  // Errors: Errc::invalid_event_code for an unknown code; Errc::forbidden for an organizer
  // (my-photos is an attendee feature).
  Result<MyPhotos> my_photos(const User& user, std::optional<std::string_view> event_code);

  // The user's candidates, best first, at most kMaxCandidatesPerCall; scope and errors as
  // my_photos().
  Result<std::vector<MyCandidate>> my_candidates(const User& user,
                                                 std::optional<std::string_view> event_code);

  // "This isn't me": the match stays hidden for good, also after re-indexing. Errc::not_found
  // when the user has no match on that photo (or the photo does not exist).
  Result<void> hide(UserId user, PhotoId photo);

  // The job when `user` owns it; Errc::not_found otherwise, including for unknown ids
  // (decision 11: nobody learns that someone else's job exists).
  Result<Job> job_view(UserId user, JobId job);

 private:
  // The event `event_code` names (nullopt: every event) and whether the user joined it.
  struct Scope {
    std::optional<EventId> event;
    bool joined = true;
  };
  Result<Scope> scope_of(const User& user, std::optional<std::string_view> event_code);

  store::Store& store_;
  float threshold_;
};

}  // namespace findme::domain
