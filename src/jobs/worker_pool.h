// The matching workers: MATCHING_THREAD_POOL_SIZE threads that claim durable jobs from the store,
// run them with their own face engine and settle them (done, retried with backoff, or failed).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/mutex.h"
#include "core/notifier.h"
#include "core/result.h"
#include "domain/face_work.h"
#include "domain/job_queue_signal.h"
#include "domain/job_runner.h"
#include "face/face_engine.h"
#include "metrics/registry.h"

namespace findme::jobs {

// Makes one worker's engine; called start() times `threads`, on the thread calling start().
using EngineFactory = std::function<Result<std::unique_ptr<face::FaceEngine>>()>;

struct WorkerPoolOptions {
  int threads = 1;  // MATCHING_THREAD_POOL_SIZE
  // Workers that only claim interactive jobs (selfie matches). -1: one when threads >= 3, else
  // none. Every worker claims in priority order anyway, so with 1 or 2 workers a selfie waits at
  // most for the photo a worker is indexing (~0.3 s at 1920 px); a reserved worker removes even
  // that wait but would halve indexing throughput on a 2-core machine.
  int interactive_workers = -1;
  // Longer than any job (a 50 MP photo takes a few seconds): a live worker never loses its lease,
  // and a killed worker's job is claimed again this long after it died.
  std::chrono::milliseconds lease{std::chrono::minutes(2)};
  // Poll for work no wake() announces: jobs enqueued by other processes (`findme import`, the
  // other servers on PostgreSQL), expired leases, retries whose backoff ended. One claim query
  // per idle worker each time: short enough that an import starts at once, cheap when idle.
  std::chrono::milliseconds idle_poll{std::chrono::milliseconds(250)};
  // Worker ids are "<prefix>:worker-N"; empty: "<hostname>:<pid>".
  std::string worker_prefix;
  // Tasks post()ed (face work a request waits for) that may wait for a worker; beyond, post()
  // refuses with Errc::busy. 0: 4 per worker (a second or so of waiting for typical images).
  int max_waiting_tasks = 0;
};

// Also the process's FaceWork: post()ed tasks run before any durable job is claimed.
// Thread-safe: start(), request_stop(), stop() and post() may be called from any thread (start
// once).
// Everything given to the constructor must outlive the pool; `registry` may be null (no metrics).
// Jobs are logged one line each (spdlog) with their stage timings.
class WorkerPool final : public domain::FaceWork {
 public:
  WorkerPool(const domain::JobContext& context, domain::JobRunnerOptions runner_options,
             EngineFactory engines, domain::JobQueueSignal& signal, Notifier& notifier,
             metrics::Registry* registry, WorkerPoolOptions options);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  ~WorkerPool() override;  // stop()

  // Creates every worker's engine, then starts the threads. The factory's error (e.g. models
  // missing) is returned and no thread is started.
  Result<void> start();

  // Workers finish their current job and claim no other. Returns at once.
  void request_stop();
  // request_stop(), then waits for the workers to exit. Queued jobs stay queued in the store for
  // the next start (of this or any process). Idempotent.
  void stop();

  int threads() const { return static_cast<int>(workers_.size()); }

  // See domain::FaceWork. Errc::unavailable also before start().
  Result<void> post(Task task) override;

 private:
  struct Metrics;
  struct Worker {
    std::string id;
    int max_priority = 0;
    std::unique_ptr<face::FaceEngine> engine;
    std::unique_ptr<domain::JobRunner> runner;
    std::thread thread;
  };

  void run(Worker& worker);
  // Runs one waiting task, if any; false when there was none.
  bool run_task(Worker& worker);
  void process(Worker& worker, const Job& job);
  void settle_failure(const Job& job, const Error& error, double total_ms);
  void refresh_queue_gauges(bool force);

  const domain::JobContext& context_;
  domain::JobRunnerOptions runner_options_;
  EngineFactory engines_;
  domain::JobQueueSignal& signal_;
  Notifier& notifier_;
  WorkerPoolOptions options_;
  std::unique_ptr<Metrics> metrics_;              // null without a registry
  std::vector<std::unique_ptr<Worker>> workers_;  // set by start() before any thread runs
  Mutex stop_mu_;                                 // serialises stop() calls (joining)
  std::atomic<bool> stopping_{false};
  std::atomic<bool> started_{false};
  std::atomic<bool> accepting_tasks_{false};          // post() works: set once workers_ is complete
  std::atomic<std::int64_t> gauges_refreshed_ms_{0};  // steady clock, throttles count_jobs()
  Mutex tasks_mu_;
  std::deque<Task> tasks_ FINDME_GUARDED_BY(tasks_mu_);
};

}  // namespace findme::jobs
