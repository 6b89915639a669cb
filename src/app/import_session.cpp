#include "app/import_session.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "app/store_factory.h"
#include "app/upload_limits.h"
#include "domain/events.h"
#include "domain/file_store.h"
#include "domain/job_queue_signal.h"
#include "domain/photos.h"
#include "image/vips/vips_image_decoder.h"

namespace findme::app {

struct ImportSession::Parts {
  SystemClock clock;
  domain::JobQueueSignal job_ended;  // wakes wait_for_indexing(); before the store (outlives it)
  std::unique_ptr<domain::FileStore> files;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<image::ImageDecoder> decoder;
  std::unique_ptr<domain::Events> events;
  std::unique_ptr<domain::Photos> photos;
  User organizer;
};

ImportSession::ImportSession(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
ImportSession::~ImportSession() = default;

Result<std::unique_ptr<ImportSession>> ImportSession::open(const config::Settings& s) {
  auto p = std::make_unique<Parts>();
  p->files = std::make_unique<domain::FileStore>(s.data_dir);
  if (Result<void> r = p->files->check_writable(); !r) return r.error();
  // A job the server ends wakes --wait's progress at once (its poll is the fallback).
  Result<std::unique_ptr<store::Store>> store =
      open_store(s, p->clock, nullptr, {.ended = [&ended = p->job_ended](JobId) { ended.wake(); }});
  if (!store) return store.error();
  p->store = std::move(*store);
  Result<std::unique_ptr<image::vips::VipsImageDecoder>> decoder =
      image::vips::VipsImageDecoder::create();
  if (!decoder) return decoder.error();
  p->decoder = std::move(*decoder);
  p->events = std::make_unique<domain::Events>(*p->store, *p->files);
  p->photos = std::make_unique<domain::Photos>(*p->store, *p->files, *p->events, *p->decoder,
                                               upload_limits(s));
  return std::unique_ptr<ImportSession>(new ImportSession(std::move(p)));
}

Result<Event> ImportSession::event(std::string_view code) {
  Result<Event> event = parts_->events->find_public(code);
  if (!event) return event.error();
  Result<std::optional<User>> organizer = parts_->store->find_user(event->organizer_id);
  if (!organizer) return organizer.error();
  if (!*organizer) return make_error(Errc::not_found, "the event's organizer is gone");
  parts_->organizer = **organizer;
  return event;
}

Result<bool> ImportSession::add(const Event& event, std::string filename,
                                const std::string& bytes) {
  const domain::UploadedFile file{std::move(filename), std::as_bytes(std::span(bytes))};
  Result<domain::UploadOutcome> outcome =
      parts_->photos->upload(parts_->organizer, event.code, std::span(&file, 1));
  if (!outcome) return outcome.error();
  if (!outcome->rejected.empty()) return outcome->rejected.front().error;
  return !outcome->accepted.empty() && !outcome->accepted.front().duplicate;
}

bool ImportSession::wait_for_indexing(const Event& event) {
  using namespace std::chrono;
  auto last_change = steady_clock::now();
  std::int64_t last_queued = -1;
  for (;;) {
    const auto looked = steady_clock::now();
    const std::uint64_t seen = parts_->job_ended.generation();
    Result<EventStats> stats = parts_->store->event_stats(event.id);
    const auto spent = steady_clock::now() - looked;
    if (!stats) {
      std::fprintf(stderr, "\nfindme: %s\n", stats.error().message.c_str());
      return false;
    }
    std::fprintf(
        stderr, "\rindexing: %lld indexed, %lld failed, %lld queued, %lld faces   ",
        static_cast<long long>(stats->photos_indexed), static_cast<long long>(stats->photos_failed),
        static_cast<long long>(stats->photos_queued), static_cast<long long>(stats->faces));
    std::fflush(stderr);
    if (stats->photos_queued == 0) {
      std::fprintf(stderr, "\ndone\n");
      return true;
    }
    if (stats->photos_queued != last_queued) {
      last_queued = stats->photos_queued;
      last_change = steady_clock::now();
    } else if (steady_clock::now() - last_change > minutes(1)) {
      std::fprintf(stderr,
                   "\nfindme: nothing was indexed for a minute; is `findme serve` "
                   "running on this DATA_DIR and DATABASE_URL?\n");
      return false;
    }
    // Woken when a job ends (or after the fallback poll). The stats count the event's rows: the
    // next look waits at least five times what this one took (and 10 ms), so that a large event
    // spends at most a sixth of a core on them and a small one hears its last job at once.
    parts_->job_ended.wait(seen, milliseconds(250));
    std::this_thread::sleep_until(looked +
                                  std::max<steady_clock::duration>(milliseconds(10), 6 * spent));
  }
}

}  // namespace findme::app
