// Time to the first match after a start, for an event with 10,000 faces (1,000 photos x 10):
// open the store (connect, check migrations), load the event's faces into a new EmbeddingIndex
// and search it once; then the steady state (a search with its face-version check) and a
// refresh after another process indexed one more photo. PostgreSQL and SQLite side by side.
// Run (PostgreSQL on a throwaway cluster):
//   tools/pg_test_cluster.sh start /tmp/findme-bench-pg
//   FINDME_TEST_DATABASE_URL=$(cat /tmp/findme-bench-pg/url)
//   build/release/bench/findme_index_load_bench
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>

#include "core/clock.h"
#include "core/testing/temp_dir.h"
#include "domain/embedding_index.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/test_database.h"
#include "store/sqlite/sqlite_store.h"

namespace findme {
namespace {

constexpr int kPhotos = 1000;
constexpr int kFacesPerPhoto = 10;

[[noreturn]] void die(const std::string& what, const Error& error) {
  std::fprintf(stderr, "%s: %s\n", what.c_str(), error.message.c_str());
  std::exit(1);
}

template <class T>
T must(Result<T> r, const std::string& what) {
  if (!r) die(what, r.error());
  return std::move(*r);
}

FaceVector pseudo_random_vector(std::uint32_t& state) {
  FaceVector v{};
  for (float& x : v) {
    state = state * 1664525u + 1013904223u;  // LCG: fixed seed, same data every run
    x = static_cast<float>(state >> 8) / static_cast<float>(1u << 24) - 0.5f;
  }
  return v;
}

// An organizer, an event and kPhotos indexed photos; returns the event.
EventId seed(store::Store& store) {
  User org = must(store.create_user({.email = "bench@example.org",
                                     .name = "Bench",
                                     .role = Role::organizer,
                                     .password_hash = "x"}),
                  "create user");
  Event event = *must(store.create_event({.organizer_id = org.id, .code = "BENCH1", .name = "B"}),
                      "create event");
  std::uint32_t state = 42;
  for (int p = 0; p < kPhotos; ++p) {
    store::PhotoAndJob added =
        must(store.add_photo_and_enqueue({.event_id = event.id,
                                          .uploaded_by = org.id,
                                          .filename = "p.jpg",
                                          .storage_key = "k" + std::to_string(p),
                                          .content_type = "image/jpeg",
                                          .byte_size = 1}),
             "add photo");
    PhotoIndex index{.width = 1920, .height = 1080};
    for (int f = 0; f < kFacesPerPhoto; ++f) {
      index.faces.push_back({.box = {f * 10, 0, 100, 100},
                             .detection_score = 0.9f,
                             .embedding = pseudo_random_vector(state)});
    }
    (void)must(store.save_photo_index(added.photo.id, index), "save index");
    (void)must(store.complete_job(added.job.id, "{}"), "complete job");
  }
  return event.id;
}

// One seeded database per backend for the whole run.
struct Database {
  std::function<Result<std::unique_ptr<store::Store>>(Clock&)> open;
  EventId event;
};

Database& postgres() {
  static SystemClock clock;
  static store::postgres::testing::TestDatabase db;
  static Database seeded = [] {
    Database d;
    d.open = [url = db.url()](Clock& c) -> Result<std::unique_ptr<store::Store>> {
      auto s = store::postgres::PostgresStore::open({.pool = {.url = url, .size = 4}}, c);
      if (!s) return s.error();
      return std::unique_ptr<store::Store>(std::move(*s));
    };
    d.event = seed(*must(d.open(clock), "open PostgreSQL"));
    return d;
  }();
  return seeded;
}

Database& sqlite() {
  static SystemClock clock;
  static TempDir dir;
  static Database seeded = [] {
    Database d;
    d.open = [path = (dir.path() / "bench.db").string()](
                 Clock& c) -> Result<std::unique_ptr<store::Store>> {
      auto s = store::sqlite::SqliteStore::open({.path = path}, c);
      if (!s) return s.error();
      return std::unique_ptr<store::Store>(std::move(*s));
    };
    d.event = seed(*must(d.open(clock), "open SQLite"));
    return d;
  }();
  return seeded;
}

Database& backend(const benchmark::State& state) {
  return state.range(0) == 0 ? postgres() : sqlite();
}

void BM_FirstMatchAfterStart(benchmark::State& state) {
  Database& db = backend(state);
  SystemClock clock;
  std::uint32_t rng = 7;
  const FaceVector query = pseudo_random_vector(rng);
  for (auto _ : state) {
    std::unique_ptr<store::Store> store = must(db.open(clock), "open");
    domain::EmbeddingIndex index(*store);
    benchmark::DoNotOptimize(must(index.search(db.event, query, 0.6f), "search"));
    state.PauseTiming();
    store.reset();  // closing is not part of the start
    state.ResumeTiming();
  }
  state.SetLabel(state.range(0) == 0 ? "postgresql" : "sqlite");
  state.counters["faces"] = kPhotos * kFacesPerPhoto;
}

void BM_SearchWithVersionCheck(benchmark::State& state) {
  Database& db = backend(state);
  SystemClock clock;
  std::unique_ptr<store::Store> store = must(db.open(clock), "open");
  domain::EmbeddingIndex index(*store);
  std::uint32_t rng = 7;
  const FaceVector query = pseudo_random_vector(rng);
  (void)must(index.search(db.event, query, 0.6f), "load");
  for (auto _ : state) {
    benchmark::DoNotOptimize(must(index.search(db.event, query, 0.6f), "search"));
  }
  state.SetLabel(state.range(0) == 0 ? "postgresql" : "sqlite");
}

// Another process re-indexes one photo; the next search fetches just that photo.
void BM_SearchAfterAnotherProcessIndexedAPhoto(benchmark::State& state) {
  Database& db = backend(state);
  SystemClock clock;
  std::unique_ptr<store::Store> store = must(db.open(clock), "open");
  std::unique_ptr<store::Store> other = must(db.open(clock), "open other");
  domain::EmbeddingIndex index(*store);
  std::uint32_t rng = 7;
  const FaceVector query = pseudo_random_vector(rng);
  (void)must(index.search(db.event, query, 0.6f), "load");
  const PhotoId photo = must(other->list_event_photos(db.event), "photos").front().id;
  for (auto _ : state) {
    state.PauseTiming();
    PhotoIndex reindexed{.width = 1920, .height = 1080};
    reindexed.faces.push_back({.box = {0, 0, 100, 100}, .embedding = pseudo_random_vector(rng)});
    (void)must(other->save_photo_index(photo, reindexed), "re-index");
    state.ResumeTiming();
    benchmark::DoNotOptimize(must(index.search(db.event, query, 0.6f), "search"));
  }
  state.SetLabel(state.range(0) == 0 ? "postgresql" : "sqlite");
}

// 0: PostgreSQL, 1: SQLite.
BENCHMARK(BM_FirstMatchAfterStart)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(10);
BENCHMARK(BM_SearchWithVersionCheck)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchAfterAnotherProcessIndexedAPhoto)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMicrosecond)
    ->Iterations(50);

}  // namespace
}  // namespace findme

BENCHMARK_MAIN();
