// The use cases behind durable jobs: index a photo, match a selfie, match new faces against an
// event's attendees. The worker pool (jobs/) claims jobs and settles them; this runs them.
#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "core/entities.h"
#include "core/result.h"
#include "domain/embedding_index.h"
#include "domain/file_store.h"
#include "domain/match_policy.h"
#include "domain/similarity.h"
#include "face/face_engine.h"
#include "image/image_decoder.h"
#include "store/store.h"

namespace findme::domain {

struct JobRunnerOptions {
  image::DecodeOptions decode;  // max_pixels = MAX_IMAGE_PIXELS; max_long_side is ignored
  // Photos are analysed with their longer side shrunk to this (0 = full size): HOG takes
  // ~210-330 ms at 1920 px and ~1 s at 3840 px (FACE-NOTES); its smallest face is ~80 px.
  int detect_long_side = 1920;
  // A selfie is decoded at the loader's cheapest shrink that keeps its longer side at least
  // selfie_min_long_side, and again at most selfie_long_side only when that shows no usable face
  // of selfie_min_face_px (domain/selfie_face.h).
  int selfie_long_side = 1280;
  int selfie_min_long_side = 320;
  float selfie_min_face_px = 112;
  // Made from the decoded photo (at least this large unless the photo is smaller), not from the
  // file again.
  int thumbnail_long_side = 400;
  // Which faces an attendee is shown, asked about or not offered (domain/match_policy.h).
  MatchPolicy policy = default_match_policy();
};

// What the last run() measured, for the log line and the stage histograms.
struct JobTimings {
  double read_ms = 0;
  double decode_ms = 0;
  int decodes = 0;          // of a selfie: 2 when its first, cheap decode was not enough
  face::StageTimings face;  // detect, landmarks, embed
  double thumbnail_ms = 0;
  double save_ms = 0;
  double match_ms = 0;
  int faces = 0;
};

// Everything a runner shares with the other workers. Every member is thread-safe and must outlive
// the runners.
struct JobContext {
  store::Store& store;
  const FileStore& files;
  const image::ImageDecoder& decoder;
  EmbeddingIndex& index;
};

// One per worker thread: it uses that worker's FaceEngine, which is not shareable.
// Every job kind is idempotent: running a job again (after a crash, a lost lease or a retry)
// leaves the same faces and matches, never duplicates.
class JobRunner {
 public:
  // `context` and `engine` must outlive the runner.
  JobRunner(const JobContext& context, face::FaceEngine& engine, JobRunnerOptions options);

  // Runs the job's use case and returns its result JSON; does not touch the job row.
  //   index_photo: {"faces": N}; decodes, analyses, writes the thumbnail, saves faces, updates
  //     the index and matches the new faces against the event's attendees (inline: it costs
  //     microseconds, far less than a second job). A photo that is gone: {"faces": 0}.
  //   match_selfie: {"matches": N}, N = photos the owner now has matched in the job's scope (its
  //     event, or every joined event when event_id is 0), counting every selfie of the owner.
  //   match_new_faces: {"matches": N}, N = matches found for the faces of job.photo_id (or of
  //     every photo of job.event_id when photo_id is 0) against every attendee's selfies.
  // Errors: Errc::invalid_image / unsupported_media_type (photo or selfie bytes),
  // Errc::no_face_found (selfie without a usable face), Errc::not_found (stored file missing),
  // Errc::unavailable / internal (store, disk or engine). is_permanent() says which to retry.
  Result<std::string> run(const Job& job);

  // Stage timings of the last run(), and its one-line log summary (e.g.
  // "index photo=12 decode=31ms detect=212ms landmarks=3ms embed=4x14ms faces=4").
  const JobTimings& last_timings() const { return timings_; }
  const std::string& last_summary() const { return summary_; }

 private:
  Result<std::string> index_photo(const Job& job);
  Result<std::string> match_selfie(const Job& job);
  // Finds the selfie's face and stores its embedding; Errc::no_face_found when there is none.
  Result<void> describe_selfie(const Selfie& selfie);
  Result<std::string> match_new_faces(const Job& job);
  // The file's bytes, in file_buffer_: valid until the next read().
  Result<std::span<const std::byte>> read(const std::string& key);
  Result<image::DecodedImage> decode(std::span<const std::byte> bytes, int long_side);
  // The engine's analysis of an event photo, recording its stage timings for the job's log line.
  Result<face::FaceAnalysis> analyse(const image::RgbImage& image);
  // From `decoded` when it holds enough pixels, else from the file's `bytes`.
  Result<std::string> write_thumbnail(const Photo& photo, const image::DecodedImage& decoded,
                                      std::span<const std::byte> bytes);
  Result<std::int64_t> match_faces_to_attendees(EventId event, const std::vector<Face>& faces);
  struct MatchedScope {
    std::size_t selfies = 0;
    std::size_t events = 0;
    std::size_t matches = 0;  // photos offered (sure or maybe) by this run
  };
  // Matches `user` in `only_event`, or in every joined event when 0.
  Result<MatchedScope> match_user(UserId user, EventId only_event);
  // `user`'s queries in the event (attendee_queries: their selfies' mean, the faces they
  // confirmed there) against its faces, the other members' queries as rivals. Returns how many
  // photos the policy offered.
  Result<std::size_t> match_in_event(UserId user, EventId event);

  const JobContext& context_;
  face::FaceEngine& engine_;
  JobRunnerOptions options_;
  JobTimings timings_;
  std::string summary_;
  // The last file read, kept for the next (see read()); released above kKeptFileBuffer.
  std::string file_buffer_;
};

// True for errors that retrying cannot fix (bad input, missing rows or files).
bool is_permanent(Errc code);

// How the store should record a failed attempt: permanent errors end the job; others are retried
// after 1 s, 5 s, then 30 s (attempt 1, 2, 3+) until the job's max_attempts.
store::JobFailure job_failure(const Job& job, const Error& error);

// The Notifier key that GET /api/jobs/{id}?wait=N waits on: "job:<id>".
std::string job_notify_key(JobId job);

}  // namespace findme::domain
