#include "jobs/worker_pool.h"

#include <array>
#include <climits>

#include <spdlog/spdlog.h>
#include <unistd.h>

#include "core/stopwatch.h"

namespace findme::jobs {
namespace {

constexpr std::array kKinds{JobKind::index_photo, JobKind::match_selfie, JobKind::match_new_faces};

std::size_t kind_index(JobKind kind) { return static_cast<std::size_t>(kind); }

std::string default_prefix() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) {
    host = {'l', 'o', 'c', 'a', 'l'};
  }
  return std::string(host.data()) + ":" + std::to_string(getpid());
}

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Face stages take milliseconds to a second; the default latency buckets cover that.
std::vector<double> stage_buckets() { return metrics::default_latency_buckets(); }

}  // namespace

struct WorkerPool::Metrics {
  struct PerKind {
    metrics::Counter* done = nullptr;
    metrics::Counter* failed = nullptr;
    metrics::Counter* retried = nullptr;
    metrics::Histogram* duration = nullptr;
  };
  std::array<PerKind, kKinds.size()> kinds;
  metrics::Histogram* decode = nullptr;
  metrics::Histogram* detect = nullptr;
  metrics::Histogram* landmarks = nullptr;
  metrics::Histogram* embed = nullptr;  // per face
  metrics::Histogram* thumbnail = nullptr;
  metrics::Gauge* queue_depth = nullptr;
  metrics::Gauge* tasks_waiting = nullptr;
  metrics::Counter* tasks_refused = nullptr;
  std::array<metrics::Gauge*, 4> by_state{};  // queued, running, done, failed

  explicit Metrics(metrics::Registry& r) {
    for (JobKind kind : kKinds) {
      const std::string k(to_string(kind));
      auto outcome = [&](const char* o) {
        return &r.counter("findme_jobs_finished_total", "Job attempts by kind and outcome",
                          {{"kind", k}, {"outcome", o}});
      };
      kinds[kind_index(kind)] = {outcome("done"), outcome("failed"), outcome("retried"),
                                 &r.histogram("findme_job_duration_seconds", "Job run time by kind",
                                              stage_buckets(), {{"kind", k}})};
    }
    auto stage = [&](const char* name) {
      return &r.histogram("findme_face_stage_seconds", "Face pipeline stage time (embed: per face)",
                          stage_buckets(), {{"stage", name}});
    };
    decode = stage("decode");
    detect = stage("detect");
    landmarks = stage("landmarks");
    embed = stage("embed");
    thumbnail = stage("thumbnail");
    queue_depth = &r.gauge("findme_job_queue_depth", "Jobs queued in the durable queue");
    tasks_waiting =
        &r.gauge("findme_face_tasks_waiting", "Face work a request waits for, queued for a worker");
    tasks_refused = &r.counter("findme_face_tasks_refused_total",
                               "Face work refused because its queue was full");
    const std::array<const char*, 4> states{"queued", "running", "done", "failed"};
    for (std::size_t i = 0; i < states.size(); ++i) {
      by_state[i] = &r.gauge("findme_jobs", "Jobs in the store by state", {{"state", states[i]}});
    }
  }

  void observe(const domain::JobTimings& t) {
    if (t.decode_ms > 0) {
      decode->observe(t.decode_ms / 1000.0);
    }
    if (t.face.detect_ms > 0) {
      detect->observe(t.face.detect_ms / 1000.0);
      landmarks->observe(t.face.landmarks_ms / 1000.0);
    }
    if (t.faces > 0 && t.face.embed_ms > 0) {
      embed->observe(t.face.embed_ms / 1000.0 / t.faces);
    }
    if (t.thumbnail_ms > 0) {
      thumbnail->observe(t.thumbnail_ms / 1000.0);
    }
  }
};

WorkerPool::WorkerPool(const domain::JobContext& context, domain::JobRunnerOptions runner_options,
                       EngineFactory engines, domain::JobQueueSignal& signal, Notifier& notifier,
                       metrics::Registry* registry, WorkerPoolOptions options)
    : context_(context),
      runner_options_(runner_options),
      engines_(std::move(engines)),
      signal_(signal),
      notifier_(notifier),
      options_(std::move(options)),
      metrics_(registry != nullptr ? std::make_unique<Metrics>(*registry) : nullptr) {}

WorkerPool::~WorkerPool() { stop(); }

Result<void> WorkerPool::post(Task task) {
  if (!accepting_tasks_.load() || stopping_.load()) {
    return make_error(Errc::unavailable, "The face workers are not running.");
  }
  const int threads = std::max(static_cast<int>(workers_.size()), 1);
  const std::size_t limit = static_cast<std::size_t>(
      options_.max_waiting_tasks > 0 ? options_.max_waiting_tasks : 4 * threads);
  {
    MutexLock lock(tasks_mu_);
    if (tasks_.size() >= limit) {
      if (metrics_) metrics_->tasks_refused->inc();
      return make_error(Errc::busy, "Every face worker is busy and " + std::to_string(limit) +
                                        " requests are waiting: try again in a moment.");
    }
    tasks_.push_back(std::move(task));
    if (metrics_) metrics_->tasks_waiting->set(static_cast<double>(tasks_.size()));
  }
  signal_.wake();
  return {};
}

bool WorkerPool::run_task(Worker& worker) {
  Task task;
  {
    MutexLock lock(tasks_mu_);
    if (tasks_.empty()) return false;
    task = std::move(tasks_.front());
    tasks_.pop_front();
    if (metrics_) metrics_->tasks_waiting->set(static_cast<double>(tasks_.size()));
  }
  try {
    task(*worker.engine);
  } catch (const std::exception& e) {
    spdlog::error("{} face task failed: {}", worker.id, e.what());
  }
  return true;
}

Result<void> WorkerPool::start() {
  if (started_.exchange(true)) {
    return make_error(Errc::internal, "The worker pool was already started.");
  }
  const int threads = std::max(options_.threads, 1);
  const int reserved = options_.interactive_workers >= 0
                           ? std::min(options_.interactive_workers, threads - 1)
                           : (threads >= 3 ? 1 : 0);
  const std::string prefix =
      options_.worker_prefix.empty() ? default_prefix() : options_.worker_prefix;
  for (int i = 0; i < threads; ++i) {
    Result<std::unique_ptr<face::FaceEngine>> engine = engines_();
    if (!engine) {
      workers_.clear();
      return engine.error();
    }
    auto worker = std::make_unique<Worker>();
    worker->id = prefix + ":worker-" + std::to_string(i);
    worker->max_priority = i < reserved ? kPriorityInteractive : INT_MAX;
    worker->engine = std::move(*engine);
    worker->runner =
        std::make_unique<domain::JobRunner>(context_, *worker->engine, runner_options_);
    workers_.push_back(std::move(worker));
  }
  // Logged before the threads start: the first log call creates spdlog's default logger.
  spdlog::info("job workers starting: {} ({} for selfies only), lease {}s", threads, reserved,
               std::chrono::duration_cast<std::chrono::seconds>(options_.lease).count());
  for (auto& worker : workers_) {
    worker->thread = std::thread([this, w = worker.get()] { run(*w); });
  }
  accepting_tasks_.store(true);
  return {};
}

void WorkerPool::request_stop() {
  stopping_.store(true);
  signal_.wake();
}

void WorkerPool::stop() {
  request_stop();
  MutexLock lock(stop_mu_);
  for (auto& worker : workers_) {
    if (worker->thread.joinable()) {
      worker->thread.join();
    }
  }
  refresh_queue_gauges(true);
}

void WorkerPool::run(Worker& worker) {
  const store::ClaimRequest request{
      .worker = worker.id, .lease = options_.lease, .max_priority = worker.max_priority};
  while (true) {
    // Read before looking for work: a wake() after this point makes wait() return at once.
    const std::uint64_t seen = signal_.generation();
    if (stopping_.load()) {
      return;
    }
    if (run_task(worker)) continue;
    Result<std::optional<Job>> claimed = context_.store.claim_next_job(request);
    if (!claimed) {
      spdlog::warn("{} cannot claim jobs: {}", worker.id, claimed.error().message);
    } else if (*claimed) {
      process(worker, **claimed);
      continue;
    } else {
      refresh_queue_gauges(false);
    }
    signal_.wait(seen, options_.idle_poll);
  }
}

void WorkerPool::process(Worker& worker, const Job& job) {
  Stopwatch watch;
  Result<std::string> result = worker.runner->run(job);
  const double total_ms = watch.elapsed_ms();
  if (metrics_) {
    metrics_->observe(worker.runner->last_timings());
    metrics_->kinds[kind_index(job.kind)].duration->observe(total_ms / 1000.0);
  }
  if (!result) {
    settle_failure(job, result.error(), total_ms);
  } else {
    Result<bool> completed = context_.store.complete_job(job.id, *result);
    if (!completed) {
      // The lease runs out and the job runs again; it is idempotent.
      spdlog::warn("job={} ran but could not be recorded: {}", job.id.value,
                   completed.error().message);
    }
    if (metrics_) {
      metrics_->kinds[kind_index(job.kind)].done->inc();
    }
    spdlog::info("job={} {} total={:.0f}ms attempt={}", job.id.value,
                 worker.runner->last_summary().empty() ? std::string(to_string(job.kind))
                                                       : worker.runner->last_summary(),
                 total_ms, job.attempts);
    notifier_.notify(domain::job_notify_key(job.id));
  }
  refresh_queue_gauges(false);
}

void WorkerPool::settle_failure(const Job& job, const Error& error, double total_ms) {
  const store::JobFailure failure = domain::job_failure(job, error);
  Result<std::optional<Job>> after = context_.store.fail_job(job.id, failure);
  if (!after) {
    spdlog::warn("job={} failed ({}) and could not be recorded: {}", job.id.value, failure.code,
                 after.error().message);
    return;
  }
  const bool ended = *after && (*after)->status == JobStatus::failed;
  if (ended) {  // the store marked an index_photo job's photo failed in the same transaction
    notifier_.notify(domain::job_notify_key(job.id));
  }
  if (metrics_) {
    auto& kind = metrics_->kinds[kind_index(job.kind)];
    (ended ? kind.failed : kind.retried)->inc();
  }
  spdlog::log(ended ? spdlog::level::warn : spdlog::level::info,
              "job={} {} {} after {:.0f}ms attempt={}/{}: {}: {}", job.id.value,
              to_string(job.kind), ended ? "failed" : "will retry", total_ms, job.attempts,
              job.max_attempts, failure.code, error.message);
}

// count_jobs() scans the jobs table, so it runs at most once a second per process.
void WorkerPool::refresh_queue_gauges(bool force) {
  if (!metrics_) {
    return;
  }
  const std::int64_t now = steady_ms();
  std::int64_t last = gauges_refreshed_ms_.load();
  if (!force && now - last < 1000) {
    return;
  }
  if (!gauges_refreshed_ms_.compare_exchange_strong(last, now)) {
    return;  // another worker refreshes
  }
  Result<JobCounts> counts = context_.store.count_jobs();
  if (!counts) {
    return;
  }
  metrics_->queue_depth->set(static_cast<double>(counts->queued));
  metrics_->by_state[0]->set(static_cast<double>(counts->queued));
  metrics_->by_state[1]->set(static_cast<double>(counts->running));
  metrics_->by_state[2]->set(static_cast<double>(counts->done));
  metrics_->by_state[3]->set(static_cast<double>(counts->failed));
}

}  // namespace findme::jobs
