// A job's whole cost as a worker runs it (domain::JobRunner with the real decoder and engine, on
// SQLite): a selfie match (read, decode, face work, match against an event of 10,000 faces,
// store) for a 12 MP phone JPEG and a 250 px head crop, and a 1920 px photo's indexing (read,
// decode, faces, thumbnail, store). "CPU" is the process's CPU time (libvips threads included).
// Run: build/<dir>/bench/findme_job_bench --benchmark_min_time=2
#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <vips/vips.h>

#include "core/testing/sample_photos.h"
#include "core/testing/temp_dir.h"
#include "domain/embedding_index.h"
#include "domain/file_store.h"
#include "domain/job_runner.h"
#include "face/local/test_photos.h"
#include "face/model/opencv_face_embedder.h"
#include "image/vips/test_images.h"
#include "store/sqlite/sqlite_store.h"

namespace findme {
namespace {

namespace vt = image::vips::testing;

constexpr int kPhotos = 1000;
constexpr int kFacesPerPhoto = 10;
constexpr int kRivals = 50;  // other attendees with a selfie in the event

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "job bench: %s\n", what.c_str());
  std::exit(1);
}

template <class T>
T must(Result<T> r, const std::string& what) {
  if (!r) die(what + ": " + r.error().message);
  return std::move(*r);
}

void must(const Result<void>& r, const std::string& what) {
  if (!r) die(what + ": " + r.error().message);
}

FaceVector pseudo_random_vector(std::uint32_t& state) {
  FaceVector v{};
  for (float& x : v) {
    state = state * 1664525u + 1013904223u;  // LCG: fixed seed, same data every run
    x = static_cast<float>(state >> 8) / static_cast<float>(1u << 24) - 0.5f;
  }
  return v;
}

template <class Op>
image::vips::ImagePtr vips_step(Op op, const std::string& what) {
  VipsImage* out = nullptr;
  if (op(&out) != 0) die(what);
  return image::vips::ImagePtr(out);
}

// sample3's standing woman as a phone selfie: a 3:4 portrait frame around her face, enlarged to
// 3024 x 4032 (12 MP) with a little sensor-like noise (so the file is as large as a phone's,
// ~3 MB at Q92), stored landscape with EXIF orientation 6 as phones store portrait shots. Phone
// cameras write 4:2:0 chroma; libvips would not subsample at Q92 unless told, and a 4:4:4 file
// (4.2 MB) costs ~1.4 times as much entropy decoding: kept as the worst case.
enum class Chroma { subsampled_420, full_444 };
std::string phone_selfie_jpeg(Chroma chroma) {
  (void)image::vips::start_vips();
  const std::string sample = vt::read_file(testing::sample_photo_path(3));
  image::vips::ImagePtr photo = vips_step(
      [&](VipsImage** out) {
        return vips_jpegload_buffer(const_cast<char*>(sample.data()), sample.size(), out, nullptr);
      },
      "load sample3");
  auto frame = vips_step(
      [&](VipsImage** out) {
        return vips_extract_area(photo.get(), out, 870, 0, 600, 800, nullptr);
      },
      "crop");
  auto big = vips_step(
      [&](VipsImage** out) { return vips_resize(frame.get(), out, 5.04, nullptr); }, "enlarge");
  auto noise = vips_step(
      [&](VipsImage** out) {
        return vips_gaussnoise(out, vips_image_get_width(big.get()),
                               vips_image_get_height(big.get()), "sigma", 6.0, "mean", 0.0,
                               nullptr);
      },
      "noise");
  auto noisy = vips_step(
      [&](VipsImage** out) { return vips_add(big.get(), noise.get(), out, nullptr); }, "add noise");
  auto stored = vips_step(
      [&](VipsImage** out) { return vips_rot(noisy.get(), out, VIPS_ANGLE_D270, nullptr); },
      "rotate");
  auto cast = vips_step(
      [&](VipsImage** out) { return vips_cast(stored.get(), out, VIPS_FORMAT_UCHAR, nullptr); },
      "cast");
  vips_image_set_int(cast.get(), VIPS_META_ORIENTATION, 6);
  std::string jpeg =
      vt::encode(cast.get(), chroma == Chroma::subsampled_420 ? ".jpg[Q=92,subsample-mode=on]"
                                                              : ".jpg[Q=92,subsample-mode=off]");
  if (jpeg.empty()) die("encode the phone selfie");
  return jpeg;
}

// The same woman's head, tight (220 x 299 of sample3), shrunk to 250 px high, Q90.
std::string head_crop_jpeg() {
  (void)image::vips::start_vips();
  const std::string sample = vt::read_file(testing::sample_photo_path(3));
  image::vips::ImagePtr photo = vips_step(
      [&](VipsImage** out) {
        return vips_jpegload_buffer(const_cast<char*>(sample.data()), sample.size(), out, nullptr);
      },
      "load sample3");
  auto head = vips_step(
      [&](VipsImage** out) {
        return vips_extract_area(photo.get(), out, 1075, 215, 220, 299, nullptr);
      },
      "crop");
  auto small = vips_step(
      [&](VipsImage** out) { return vips_resize(head.get(), out, 250.0 / 299.0, nullptr); },
      "shrink");
  std::string jpeg = vt::encode(small.get(), ".jpg[Q=90]");
  if (jpeg.empty()) die("encode the head crop");
  return jpeg;
}

const face::local::FaceModels& models() {
  static const face::local::FaceModels kModels =
      face::local::FaceModels::load(face::local::testing::default_model_options()).value();
  return kModels;
}

// A SQLite store and DATA_DIR with an event of kPhotos x kFacesPerPhoto faces, kRivals attendees
// with selfies, the attendee under test with two selfies (the phone JPEG and the head crop), and
// a second, empty event for indexing the six samples.
struct World {
  World()
      : store(must(store::sqlite::SqliteStore::open({.path = (dir.path() / "db").string()}, clock),
                   "open SQLite")),
        files(dir.path() / "data"),
        index(*store),
        decoder(must(image::vips::VipsImageDecoder::create(), "start libvips")),
        context{*store, files, *decoder, index} {
    User org = must(store->create_user({.email = "org@example.org",
                                        .name = "Org",
                                        .role = Role::organizer,
                                        .password_hash = "x"}),
                    "organizer");
    event =
        must(store->create_event({.organizer_id = org.id, .code = "BENCH1", .name = "B"}), "event")
            ->id;
    uploads =
        must(store->create_event({.organizer_id = org.id, .code = "BENCH2", .name = "U"}), "event")
            ->id;
    std::uint32_t state = 42;
    for (int p = 0; p < kPhotos; ++p) {
      store::PhotoAndJob added = must(store->add_photo_and_enqueue({.event_id = event,
                                                                    .uploaded_by = org.id,
                                                                    .filename = "p.jpg",
                                                                    .storage_key = "k",
                                                                    .content_type = "image/jpeg",
                                                                    .byte_size = 1}),
                                      "photo");
      PhotoIndex photo_index{.width = 1920, .height = 1080};
      for (int f = 0; f < kFacesPerPhoto; ++f) {
        photo_index.faces.push_back({.box = {f * 10, 0, 100, 100},
                                     .detection_score = 0.9f,
                                     .embedding = pseudo_random_vector(state)});
      }
      (void)must(store->save_photo_index(added.photo.id, photo_index), "index");
      (void)must(store->complete_job(added.job.id, "{}"), "complete");
    }
    for (int r = 0; r < kRivals; ++r) {
      const UserId rival = attendee("rival" + std::to_string(r));
      const store::SelfieAndJob s = selfie(rival, "x");
      must(store->set_selfie_embedding(s.selfie.id, pseudo_random_vector(state)), "rival");
    }
    const UserId user = attendee("ada");
    const std::array<std::string, 3> jpegs{phone_selfie_jpeg(Chroma::subsampled_420),
                                           head_crop_jpeg(), phone_selfie_jpeg(Chroma::full_444)};
    phone = selfie(user, jpegs[0]).job;
    head = selfie(user, jpegs[1]).job;
    phone_444 = selfie(user, jpegs[2]).job;
    for (std::size_t i = 0; i < jpegs.size(); ++i) selfie_bytes[i] = jpegs[i].size();
    for (int n = 1; n <= 6; ++n) {
      const std::string bytes = vt::read_file(testing::sample_photo_path(n));
      const std::string key = files.new_key(domain::FileKind::photo, "jpg");
      must(files.write(key, vt::as_bytes(bytes)), "write sample");
      samples.push_back(must(store->add_photo_and_enqueue({.event_id = uploads,
                                                           .uploaded_by = org.id,
                                                           .filename = "s.jpg",
                                                           .storage_key = key,
                                                           .content_type = "image/jpeg",
                                                           .byte_size = 1}),
                             "sample")
                            .job);
    }
  }

  UserId attendee(const std::string& name) {
    const User user = must(store->create_user({.email = name + "@example.org",
                                               .name = name,
                                               .role = Role::attendee,
                                               .password_hash = "x"}),
                           "attendee");
    must(store->join_event(user.id, event), "join");
    return user.id;
  }

  store::SelfieAndJob selfie(UserId user, const std::string& bytes) {
    const std::string key = files.new_key(domain::FileKind::selfie, "jpg");
    must(files.write(key, vt::as_bytes(bytes)), "write selfie");
    NewJob job;
    job.event_id = event;
    job.priority = kPriorityInteractive;
    return must(store->add_selfie_and_enqueue({.user_id = user, .storage_key = key}, job),
                "selfie");
  }

  TempDir dir;
  SystemClock clock;
  std::unique_ptr<store::sqlite::SqliteStore> store;
  domain::FileStore files;
  domain::EmbeddingIndex index;
  std::unique_ptr<image::vips::VipsImageDecoder> decoder;
  domain::JobContext context;
  EventId event;
  EventId uploads;
  Job phone;
  Job head;
  Job phone_444;
  std::array<std::size_t, 3> selfie_bytes{};  // of phone, head, phone_444
  std::vector<Job> samples;
};

World& world() {
  static World instance;
  return instance;
}

void add_timings(benchmark::State& state, const domain::JobTimings& sum, double n) {
  state.counters["read_ms"] = sum.read_ms / n;
  state.counters["decode_ms"] = sum.decode_ms / n;
  state.counters["detect_ms"] = sum.face.detect_ms / n;
  state.counters["landmarks_ms"] = sum.face.landmarks_ms / n;
  state.counters["embed_ms"] = sum.face.embed_ms / n;
  state.counters["thumbnail_ms"] = sum.thumbnail_ms / n;
  state.counters["save_ms"] = sum.save_ms / n;
  state.counters["match_ms"] = sum.match_ms / n;
}

void accumulate(domain::JobTimings& sum, const domain::JobTimings& t) {
  sum.read_ms += t.read_ms;
  sum.decode_ms += t.decode_ms;
  sum.face.detect_ms += t.face.detect_ms;
  sum.face.landmarks_ms += t.face.landmarks_ms;
  sum.face.embed_ms += t.face.embed_ms;
  sum.thumbnail_ms += t.thumbnail_ms;
  sum.save_ms += t.save_ms;
  sum.match_ms += t.match_ms;
}

// Arg 0: the 12 MP phone JPEG (4:2:0), 1: the 250 px head crop, 2: the 12 MP JPEG with 4:4:4
// chroma (the worst case). One match_selfie job per iteration.
void BM_SelfieJob(benchmark::State& state) {
  World& w = world();
  std::unique_ptr<face::FaceEngine> engine = must(models().make_engine(), "engine");
  domain::JobRunner runner(w.context, *engine, domain::JobRunnerOptions{});
  static constexpr std::array<const char*, 3> kLabels{
      "12 MP phone JPEG (4:2:0)", "250 px head crop", "12 MP JPEG with 4:4:4 chroma"};
  const auto arg = static_cast<std::size_t>(state.range(0));
  const Job& job = arg == 0 ? w.phone : arg == 1 ? w.head : w.phone_444;
  (void)must(runner.run(job), "warm-up");  // loads the event's 10,000 faces into the index
  domain::JobTimings sum;
  for (auto _ : state) {
    (void)must(runner.run(job), "selfie job");
    accumulate(sum, runner.last_timings());
  }
  add_timings(state, sum, static_cast<double>(state.iterations()));
  state.counters["faces"] = runner.last_timings().faces;
  state.counters["file_mb"] = static_cast<double>(w.selfie_bytes.at(arg)) / 1e6;
  state.SetLabel(kLabels.at(arg));
}
BENCHMARK(BM_SelfieJob)
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime();

// The six 1920 px samples indexed (index_photo jobs, run again: idempotent) per iteration; per
// photo = time / 6. Threads: workers, each with its own engine and runner.
void BM_IndexPhotoJob(benchmark::State& state) {
  World& w = world();
  std::unique_ptr<face::FaceEngine> engine = must(models().make_engine(), "engine");
  domain::JobRunner runner(w.context, *engine, domain::JobRunnerOptions{});
  domain::JobTimings sum;
  int faces = 0;
  for (auto _ : state) {
    for (const Job& job : w.samples) {
      (void)must(runner.run(job), "index job");
      accumulate(sum, runner.last_timings());
      faces += runner.last_timings().faces;
    }
  }
  const double n = static_cast<double>(state.iterations() * 6);
  add_timings(state, sum, n);
  state.counters["faces"] = faces / n;
  state.SetItemsProcessed(state.iterations() * 6);
}
BENCHMARK(BM_IndexPhotoJob)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Threads(1)
    ->Threads(2);

}  // namespace
}  // namespace findme

int main(int argc, char** argv) {
  findme::face::model::use_single_threaded_opencv();  // one worker per core, as in the service
  (void)findme::world();                              // seeded before any timing
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
