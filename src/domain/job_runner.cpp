#include "domain/job_runner.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include "core/stopwatch.h"
#include "domain/selfie_face.h"

namespace findme::domain {
namespace {

std::span<const std::byte> as_bytes(const std::string& data) {
  return std::as_bytes(std::span(data.data(), data.size()));
}

// A worker keeps the memory of the last file it read for the next one, up to this much: a 12 MP
// phone JPEG (3-5 MB) is then read without fresh pages (~2 ms less per selfie job), while a rare
// 50 MB upload does not stay resident.
constexpr std::size_t kKeptFileBuffer = std::size_t{16} << 20;

int scaled(float value, double scale) {
  return static_cast<int>(std::lround(static_cast<double>(value) * scale));
}

// Each member's queries in the event (attendee_queries), from their listed selfies and faces.
std::map<UserId, std::vector<FaceVector>> queries_by_member(
    const std::vector<AttendeeFace>& faces) {
  std::map<UserId, std::pair<std::vector<FaceVector>, std::vector<FaceVector>>> split;
  for (const AttendeeFace& f : faces) {
    auto& [selfies, confirmed] = split[f.user_id];
    (f.confirmed_face ? confirmed : selfies).push_back(f.embedding);
  }
  std::map<UserId, std::vector<FaceVector>> queries;
  for (const auto& [user, parts] : split) {
    queries.emplace(user, attendee_queries(parts.first, parts.second));
  }
  return queries;
}

// Boxes come in the analysed (shrunk) image's pixels; the store keeps original pixels.
std::vector<NewFace> to_new_faces(const face::FaceAnalysis& analysis,
                                  const image::DecodedImage& d) {
  const double scale =
      d.image.width > 0 ? static_cast<double>(d.original.width) / d.image.width : 1.0;
  std::vector<NewFace> faces;
  faces.reserve(analysis.faces.size());
  for (const face::Face& f : analysis.faces) {
    faces.push_back({.box = {scaled(f.box.x, scale), scaled(f.box.y, scale),
                             scaled(f.box.width, scale), scaled(f.box.height, scale)},
                     .detection_score = f.quality.detector_score,
                     .usable = f.quality.usable,
                     .embedding = f.embedding});
  }
  return faces;
}

std::string matches_json(std::int64_t matches) {
  return fmt::format("{{\"matches\":{}}}", matches);
}

Error no_face_found() {
  return make_error(Errc::no_face_found,
                    "No clear face was found in the selfie. Take a well-lit photo facing the "
                    "camera, with your face filling much of the frame, and upload it again.");
}

}  // namespace

JobRunner::JobRunner(const JobContext& context, face::FaceEngine& engine, JobRunnerOptions options)
    : context_(context), engine_(engine), options_(options) {}

Result<std::string> JobRunner::run(const Job& job) {
  timings_ = {};
  summary_.clear();
  Result<std::string> result = make_error(Errc::internal, "Unknown job kind.");
  switch (job.kind) {
    case JobKind::index_photo:
      result = index_photo(job);
      break;
    case JobKind::match_selfie:
      result = match_selfie(job);
      break;
    case JobKind::match_new_faces:
      result = match_new_faces(job);
      break;
  }
  if (file_buffer_.capacity() > kKeptFileBuffer) std::string().swap(file_buffer_);
  return result;
}

Result<std::span<const std::byte>> JobRunner::read(const std::string& key) {
  Stopwatch watch;
  Result<void> read = context_.files.read_into(key, file_buffer_);
  timings_.read_ms = watch.elapsed_ms();
  if (!read) return read.error();
  return as_bytes(file_buffer_);
}

Result<image::DecodedImage> JobRunner::decode(std::span<const std::byte> bytes, int long_side) {
  Stopwatch watch;
  image::DecodeOptions decode = options_.decode;
  decode.max_long_side = long_side;
  decode.min_long_side = 0;
  Result<image::DecodedImage> decoded = context_.decoder.decode(bytes, decode);
  timings_.decode_ms = watch.elapsed_ms();
  return decoded;
}

Result<face::FaceAnalysis> JobRunner::analyse(const image::RgbImage& image) {
  Result<face::FaceAnalysis> analysis = engine_.analyze(image);
  if (analysis) {
    timings_.face = analysis->timings;
    timings_.faces = static_cast<int>(analysis->faces.size());
  }
  return analysis;
}

Result<std::string> JobRunner::write_thumbnail(const Photo& photo,
                                               const image::DecodedImage& decoded,
                                               std::span<const std::byte> bytes) {
  Stopwatch watch;
  // The decoded pixels are upright already; they serve unless decoding shrank the photo below the
  // thumbnail's size (a detect_long_side under thumbnail_long_side).
  const int side = options_.thumbnail_long_side;
  const bool enough = std::max(decoded.image.width, decoded.image.height) >=
                      std::min(side, std::max(decoded.original.width, decoded.original.height));
  Result<std::string> jpeg = enough ? context_.decoder.encode_thumbnail_jpeg(decoded.image, side)
                                    : context_.decoder.thumbnail_jpeg(bytes, side, options_.decode);
  if (!jpeg) {
    return jpeg.error();
  }
  // The photo's own thumbnail key, or one derived from its original's: a re-run, or a retry
  // after the save below failed, overwrites the same file instead of orphaning it.
  std::string key = photo.thumbnail_key.empty()
                        ? context_.files.derived_key(FileKind::thumbnail, photo.storage_key, "jpg")
                        : photo.thumbnail_key;
  if (Result<void> written = context_.files.write(key, as_bytes(*jpeg)); !written) {
    return written.error();
  }
  timings_.thumbnail_ms = watch.elapsed_ms();
  return key;
}

Result<std::string> JobRunner::index_photo(const Job& job) {
  Result<std::optional<Photo>> found = context_.store.find_photo(job.photo_id);
  if (!found) {
    return found.error();
  }
  if (!*found) {  // deleted with its event while queued: nothing to do
    return std::string(R"({"faces":0})");
  }
  const Photo& photo = **found;
  Result<std::span<const std::byte>> bytes = read(photo.storage_key);
  if (!bytes) {
    return bytes.error();
  }
  Result<image::DecodedImage> decoded = decode(*bytes, options_.detect_long_side);
  if (!decoded) {
    return decoded.error();
  }
  Result<face::FaceAnalysis> analysis = analyse(decoded->image);
  if (!analysis) {
    return analysis.error();
  }
  Result<std::string> thumbnail = write_thumbnail(photo, *decoded, *bytes);
  if (!thumbnail) {
    return thumbnail.error();
  }
  Stopwatch watch;
  PhotoIndex index{.width = decoded->original.width,
                   .height = decoded->original.height,
                   .thumbnail_key = std::move(*thumbnail),
                   .faces = to_new_faces(*analysis, *decoded)};
  Result<std::vector<Face>> saved = context_.store.save_photo_index(photo.id, index);
  if (!saved) {
    return saved.error();
  }
  context_.index.replace_photo(photo.event_id, photo.id, *saved);
  timings_.save_ms = watch.elapsed_ms();
  watch.restart();
  Result<std::int64_t> matched = match_faces_to_attendees(photo.event_id, *saved);
  if (!matched) {
    return matched.error();
  }
  timings_.match_ms = watch.elapsed_ms();
  const double embed_each = timings_.faces > 0 ? timings_.face.embed_ms / timings_.faces : 0.0;
  summary_ = fmt::format(
      "index photo={} decode={:.0f}ms detect={:.0f}ms landmarks={:.0f}ms embed={}x{:.0f}ms "
      "thumbnail={:.0f}ms save={:.0f}ms faces={} matches={}",
      photo.id.value, timings_.decode_ms, timings_.face.detect_ms, timings_.face.landmarks_ms,
      timings_.faces, embed_each, timings_.thumbnail_ms, timings_.save_ms, timings_.faces,
      *matched);
  return fmt::format(R"({{"faces":{}}})", saved->size());
}

// Each new face against every attendee's queries (selfies and confirmed faces): a few thousand
// distances. Every attendee the face could be offered to (under the maybe distance of one of
// their queries) is then matched again against the whole event by the match policy, which
// weighs the rivals, so a photo uploaded late is decided exactly as if it had been there at the
// selfie. Offering it to the nearest attendee only would differ from that when two attendees tie
// (the same selfie sent twice) or when the policy's normalised scores rank them otherwise.
Result<std::int64_t> JobRunner::match_faces_to_attendees(EventId event,
                                                         const std::vector<Face>& faces) {
  if (faces.empty()) {
    return std::int64_t{0};
  }
  Result<std::vector<AttendeeFace>> attendees = context_.store.list_attendee_faces(event);
  if (!attendees) {
    return attendees.error();
  }
  const std::map<UserId, std::vector<FaceVector>> queries = queries_by_member(*attendees);
  std::set<UserId> offered;
  for (const Face& face : faces) {
    const float limit = match_threshold_for(options_.policy.maybe_distance, face.usable);
    for (const auto& [user, of_user] : queries) {
      const bool close = std::any_of(of_user.begin(), of_user.end(), [&](const FaceVector& q) {
        return face::distance(face.embedding, q) < limit;
      });
      if (close) {
        offered.insert(user);
      }
    }
  }
  std::int64_t matched = 0;
  for (const UserId user : offered) {
    Result<MatchedScope> rematched = match_user(user, event);
    if (!rematched) {
      return rematched.error();
    }
    matched += static_cast<std::int64_t>(rematched->matches);
  }
  return matched;
}

// The attendee's queries against the event, the other attendees' queries as rivals.
Result<std::size_t> JobRunner::match_in_event(UserId user, EventId event) {
  Result<std::vector<AttendeeFace>> attendees = context_.store.list_attendee_faces(event);
  if (!attendees) {
    return attendees.error();
  }
  std::vector<FaceVector> queries;
  std::vector<FaceVector> rivals;
  for (auto& [member, of_member] : queries_by_member(*attendees)) {
    if (member == user) {
      queries = std::move(of_member);
    } else {
      rivals.insert(rivals.end(), of_member.begin(), of_member.end());
    }
  }
  Result<std::vector<BandedHit>> hits =
      context_.index.match(event, queries, rivals, options_.policy);
  if (!hits) {
    return hits.error();
  }
  std::vector<NewMatch> matches;
  matches.reserve(hits->size());
  for (const BandedHit& hit : *hits) {
    matches.push_back({user, hit.photo, hit.face, hit.distance, hit.band});
  }
  if (Result<void> upserted = context_.store.upsert_matches(matches); !upserted) {
    return upserted.error();
  }
  return matches.size();
}

// The attendee matched again in `only_event`, or in every event they joined.
Result<JobRunner::MatchedScope> JobRunner::match_user(UserId user, EventId only_event) {
  Result<std::vector<Selfie>> selfies = context_.store.list_user_selfies(user);
  if (!selfies) {
    return selfies.error();
  }
  std::size_t described = 0;
  for (const Selfie& s : *selfies) {
    described += s.embedding ? 1U : 0U;
  }
  std::vector<EventId> events;
  if (only_event) {
    events.push_back(only_event);
  } else {
    Result<std::vector<Event>> joined = context_.store.list_joined_events(user);
    if (!joined) {
      return joined.error();
    }
    for (const Event& event : *joined) {
      events.push_back(event.id);
    }
  }
  std::size_t matches = 0;
  for (EventId event : events) {
    Result<std::size_t> matched = match_in_event(user, event);
    if (!matched) {
      return matched.error();
    }
    matches += *matched;
  }
  return MatchedScope{described, events.size(), matches};
}

Result<void> JobRunner::describe_selfie(const Selfie& selfie) {
  Result<std::span<const std::byte>> bytes = read(selfie.storage_key);
  if (!bytes) {
    return bytes.error();
  }
  Result<SelfieFace> found = find_selfie_face(*bytes, context_.decoder, engine_,
                                              {.decode = options_.decode,
                                               .first_min_long_side = options_.selfie_min_long_side,
                                               .max_long_side = options_.selfie_long_side,
                                               .min_face_px = options_.selfie_min_face_px});
  if (!found) {
    return found.error();
  }
  timings_.decode_ms = found->decode_ms;
  timings_.face = found->timings;
  timings_.faces = found->faces;
  timings_.decodes = found->decodes;
  if (!found->face) {
    return no_face_found();
  }
  return context_.store.set_selfie_embedding(selfie.id, found->face->embedding);
}

Result<std::string> JobRunner::match_selfie(const Job& job) {
  Result<std::optional<Selfie>> found = context_.store.find_selfie(job.selfie_id);
  if (!found) {
    return found.error();
  }
  if (!*found) {  // erased with its account while queued
    return matches_json(0);
  }
  const Selfie& selfie = **found;
  // A face the attendee confirmed ("Is this you?") is a query without an image: its embedding
  // is already stored, so only the matching runs.
  if (!(selfie.storage_key.empty() && selfie.embedding)) {
    if (Result<void> described = describe_selfie(selfie); !described) {
      return described.error();
    }
  }
  Stopwatch watch;
  Result<MatchedScope> matched = match_user(selfie.user_id, job.event_id);
  if (!matched) {
    return matched.error();
  }
  std::optional<EventId> scope;
  if (job.event_id) {
    scope = job.event_id;
  }
  Result<std::int64_t> count = context_.store.count_user_matches(selfie.user_id, scope);
  if (!count) {
    return count.error();
  }
  timings_.match_ms = watch.elapsed_ms();
  summary_ = fmt::format(
      "match_selfie selfie={} decode={:.0f}ms/{} detect={:.0f}ms embed={:.0f}ms faces={} "
      "selfies={} events={} search={:.1f}ms matches={}",
      selfie.id.value, timings_.decode_ms, timings_.decodes, timings_.face.detect_ms,
      timings_.face.embed_ms, timings_.faces, matched->selfies, matched->events, timings_.match_ms,
      *count);
  return matches_json(*count);
}

Result<std::string> JobRunner::match_new_faces(const Job& job) {
  EventId event = job.event_id;
  Result<std::vector<Face>> faces = std::vector<Face>{};
  if (job.photo_id) {
    Result<std::optional<Photo>> photo = context_.store.find_photo(job.photo_id);
    if (!photo) {
      return photo.error();
    }
    if (!*photo) {
      return matches_json(0);
    }
    event = (*photo)->event_id;
    faces = context_.store.list_photo_faces(job.photo_id);
  } else {
    faces = context_.store.list_event_faces(event);
  }
  if (!faces) {
    return faces.error();
  }
  Stopwatch watch;
  Result<std::int64_t> matched = match_faces_to_attendees(event, *faces);
  if (!matched) {
    return matched.error();
  }
  timings_.match_ms = watch.elapsed_ms();
  timings_.faces = static_cast<int>(faces->size());
  summary_ =
      fmt::format("match_new_faces event={} photo={} faces={} match={:.1f}ms matches={}",
                  event.value, job.photo_id.value, faces->size(), timings_.match_ms, *matched);
  return matches_json(*matched);
}

bool is_permanent(Errc code) {
  switch (code) {
    case Errc::internal:
    case Errc::unavailable:
    case Errc::busy:
      return false;
    default:
      return true;
  }
}

store::JobFailure job_failure(const Job& job, const Error& error) {
  using std::chrono::seconds;
  store::JobFailure failure{.code = std::string(to_string(error.code)),
                            .message = error.message,
                            .permanent = is_permanent(error.code),
                            .keep_trying = error.code == Errc::unavailable};
  // Backoff grows with the attempt so a database restart or a full disk has time to clear; an
  // unavailable environment is waited out at the longest backoff, never counted against the job.
  const seconds delay = job.attempts <= 1   ? seconds(1)
                        : job.attempts == 2 ? seconds(5)
                                            : seconds(30);
  failure.retry_delay = delay;
  return failure;
}

std::string job_notify_key(JobId job) { return "job:" + std::to_string(job.value); }

}  // namespace findme::domain
