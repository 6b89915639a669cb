#include "app/service.h"

#include <chrono>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "api/api.h"
#include "app/store_factory.h"
#include "app/upload_limits.h"
#include "aws/rekognition_api.h"
#include "core/clock.h"
#include "core/notifier.h"
#include "domain/access_keys.h"
#include "domain/accounts.h"
#include "domain/attendees.h"
#include "domain/embedding_index.h"
#include "domain/events.h"
#include "domain/face_collections.h"
#include "domain/file_store.h"
#include "domain/gallery.h"
#include "domain/housekeeping.h"
#include "domain/job_queue_signal.h"
#include "domain/job_runner.h"
#include "domain/photos.h"
#include "face/local/face_models.h"
#include "face/model/opencv_face_embedder.h"
#include "http/server.h"
#include "image/vips/vips_image_decoder.h"
#include "jobs/worker_pool.h"
#include "metrics/registry.h"

namespace findme::app {

// Declaration order is construction order: each part only refers to parts above it.
struct Service::Parts {
  config::Settings settings;
  SystemClock clock;
  Notifier notifier;
  metrics::Registry registry;
  domain::JobQueueSignal signal;
  std::unique_ptr<domain::FileStore> files;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<image::ImageDecoder> decoder;
  std::unique_ptr<face::local::FaceModels> models;
  std::unique_ptr<domain::EmbeddingIndex> index;
  std::unique_ptr<domain::Accounts> accounts;
  std::unique_ptr<domain::Events> events;
  std::unique_ptr<domain::Photos> photos;
  std::unique_ptr<domain::Attendees> attendees;
  std::unique_ptr<domain::Gallery> gallery;
  std::unique_ptr<domain::Housekeeping> housekeeping;
  std::unique_ptr<domain::JobContext> job_context;
  std::unique_ptr<jobs::WorkerPool> workers;
  std::unique_ptr<domain::AccessKeys> access_keys;
  std::unique_ptr<domain::FaceCollections> collections;
  std::unique_ptr<aws::RekognitionApi> rekognition;
  std::unique_ptr<api::Api> api;
  std::unique_ptr<http::Server> server;
};

namespace {

Result<void> build_domain(Service::Parts& p) {
  const config::Settings& s = p.settings;
  const float threshold = s.match_threshold.value_or(domain::kDefaultMatchThreshold);
  const domain::UploadLimits limits = upload_limits(s);
  auto wake = [&signal = p.signal] { signal.wake(); };
  p.index = std::make_unique<domain::EmbeddingIndex>(*p.store);
  p.accounts = std::make_unique<domain::Accounts>(*p.store, *p.files, p.clock);
  p.events = std::make_unique<domain::Events>(
      *p.store, *p.files, [&index = *p.index](EventId event) { index.drop_event(event); });
  p.photos =
      std::make_unique<domain::Photos>(*p.store, *p.files, *p.events, *p.decoder, limits, wake);
  p.attendees = std::make_unique<domain::Attendees>(*p.store, *p.files, *p.accounts, *p.events,
                                                    *p.decoder, limits, wake);
  const domain::MatchPolicy policy = domain::scaled_match_policy(threshold);
  // A shown similarity of 0.5 is the edge of the "Is this you?" band.
  p.gallery = std::make_unique<domain::Gallery>(*p.store, policy.maybe_distance);
  p.housekeeping = std::make_unique<domain::Housekeeping>(*p.store, p.clock);
  p.job_context = std::make_unique<domain::JobContext>(
      domain::JobContext{*p.store, *p.files, *p.decoder, *p.index});
  domain::JobRunnerOptions runner;
  runner.decode.max_pixels = s.max_image_pixels;
  runner.policy = policy;
  p.workers = std::make_unique<jobs::WorkerPool>(
      *p.job_context, runner, [&models = *p.models] { return models.make_engine(); }, p.signal,
      p.notifier, &p.registry,
      jobs::WorkerPoolOptions{.threads = s.matching_threads,
                              .lease = std::chrono::seconds(s.job_lease_seconds),
                              .max_waiting_tasks = s.face_queue_limit});
  if (Result<void> r = p.workers->start(); !r) return r;

  p.access_keys = std::make_unique<domain::AccessKeys>(*p.store, p.clock);
  domain::FaceCollectionsOptions collections{.sure_distance = policy.sure_distance};
  collections.images.decode.max_pixels = s.max_image_pixels;
  p.collections = std::make_unique<domain::FaceCollections>(*p.store, *p.decoder, collections);
  p.rekognition = std::make_unique<aws::RekognitionApi>(aws::RekognitionContext{
      .keys = *p.access_keys,
      .collections = *p.collections,
      .work = *p.workers,
      .notifier = p.notifier,
      .clock = p.clock,
  });
  return {};
}

Result<void> build_http(Service::Parts& p) {
  const config::Settings& s = p.settings;
  p.api = std::make_unique<api::Api>(api::ApiContext{
      .accounts = *p.accounts,
      .events = *p.events,
      .photos = *p.photos,
      .attendees = *p.attendees,
      .gallery = *p.gallery,
      .store = *p.store,
      .metrics = p.registry,
      .data_dir_free_bytes = [files = p.files.get()]() -> std::optional<std::uintmax_t> {
        Result<std::uintmax_t> free = files->free_bytes();
        return free ? std::optional<std::uintmax_t>(*free) : std::nullopt;
      },
      .housekeeping = p.housekeeping.get(),
      .access_keys = p.access_keys.get(),
      .aws = p.rekognition.get(),
  });
  p.registry.callback_gauge("findme_data_dir_free_bytes",
                            "Bytes free on DATA_DIR's file system (uploads stop when it is full)",
                            {}, [files = p.files.get()] {
                              Result<std::uintmax_t> free = files->free_bytes();
                              return free ? static_cast<double>(*free) : -1.0;
                            });
  http::ServerOptions options;
  options.host = s.host;
  options.port = static_cast<std::uint16_t>(s.port);
  options.io_threads = static_cast<std::size_t>(s.http_threads);
  options.max_connections = static_cast<std::size_t>(s.max_connections);
  options.max_queue_wait = std::chrono::seconds(s.max_queue_wait_s);
  options.max_upload_mb = static_cast<std::size_t>(s.max_upload_mb);
  options.spool_dir = std::filesystem::path(s.data_dir) / "spool";
  if (std::filesystem::exists(s.web_dir)) options.web_dir = s.web_dir;
  p.server = std::make_unique<http::Server>(options, *p.api, p.notifier, &p.registry);
  return p.server->start();
}

}  // namespace

Service::Service(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Service::~Service() { stop(); }

Result<std::unique_ptr<Service>> Service::start(const config::Settings& settings) {
  auto p = std::make_unique<Parts>();
  p->settings = settings;
  p->files = std::make_unique<domain::FileStore>(settings.data_dir);
  if (Result<void> r = p->files->check_writable(); !r) return r.error();
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(settings.data_dir) / "spool", ec);

  // Jobs queued or finished by another process (`findme import` queues them) wake this one's
  // workers and long polls, as its own do (the store is destroyed before the signal and the
  // notifier).
  auto wake_job = [&notifier = p->notifier](JobId job) {
    notifier.notify(domain::job_notify_key(job));
  };
  Result<std::unique_ptr<store::Store>> store =
      open_store(settings, p->clock, &p->registry,
                 {.queued =
                      [wake_job, &signal = p->signal](JobId job) {
                        signal.wake();
                        wake_job(job);
                      },
                  .ended = wake_job});
  if (!store) return store.error();
  p->store = std::move(*store);

  Result<std::unique_ptr<image::vips::VipsImageDecoder>> decoder =
      image::vips::VipsImageDecoder::create();
  if (!decoder) return decoder.error();
  p->decoder = std::move(*decoder);

  face::model::use_single_threaded_opencv();  // one net per worker thread, one worker per core
  // config::finalize() accepts only "ssd" and "hog", "net68" and "dlib68".
  const face::local::Detector detector =
      face::local::parse_detector(settings.detector).value_or(face::local::Detector::ssd);
  const face::local::Landmarks landmarks =
      face::local::parse_landmarks(settings.landmarks).value_or(face::local::Landmarks::net68);
  Result<face::local::FaceModels> models =
      face::local::FaceModels::load({.package_dir = settings.model_dir,
                                     .landmarks = landmarks,
                                     .landmark_model = settings.landmark_model,
                                     .detector = detector});
  if (!models) return models.error();
  p->models = std::make_unique<face::local::FaceModels>(std::move(*models));

  if (Result<void> r = build_domain(*p); !r) return r.error();
  if (Result<void> r = build_http(*p); !r) {
    p->workers->stop();
    return r.error();
  }
  return std::unique_ptr<Service>(new Service(std::move(p)));
}

std::uint16_t Service::port() const { return parts_->server->port(); }

void Service::stop() {
  if (!parts_) return;
  spdlog::info("stopping: finishing in-flight requests and running jobs");
  if (parts_->server) parts_->server->stop();
  if (parts_->workers) parts_->workers->stop();
  parts_.reset();
}

}  // namespace findme::app
