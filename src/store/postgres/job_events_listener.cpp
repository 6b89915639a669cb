#include "store/postgres/job_events_listener.h"

#include <charconv>
#include <chrono>
#include <utility>

#include <pqxx/pqxx>  // the whole library: 6.4's headers are not self-contained

namespace findme::store::postgres {
namespace {

// The wait per await_notification call: bounds how long the destructor waits for the thread.
constexpr long kPollSeconds = 1;
constexpr std::chrono::milliseconds kReconnectDelay{500};

JobId parse_job(const std::string& payload) {
  std::int64_t id = 0;
  std::from_chars(payload.data(), payload.data() + payload.size(), id);
  return JobId{id};
}

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& conn, const char* channel, std::function<void(JobId)> call,
           std::atomic<std::int64_t>& received)
      : pqxx::notification_receiver(conn, channel), call_(std::move(call)), received_(received) {}
  void operator()(const std::string& payload, int /*backend_pid*/) override {
    ++received_;
    if (call_) call_(parse_job(payload));
  }

 private:
  std::function<void(JobId)> call_;
  std::atomic<std::int64_t>& received_;
};

}  // namespace

JobEventListener::JobEventListener(std::string url, JobEventCallbacks callbacks)
    : url_(std::move(url)), callbacks_(std::move(callbacks)), thread_([this] { run(); }) {}

JobEventListener::~JobEventListener() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void JobEventListener::run() {
  while (!stopping_.load()) {
    try {
      listen_once();
    } catch (const std::exception&) {
      // Lost or refused connection (an outage): try again shortly, until stopped.
    }
    for (auto waited = std::chrono::milliseconds(0); waited < kReconnectDelay && !stopping_.load();
         waited += std::chrono::milliseconds(50)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // interruptible backoff
    }
  }
}

void JobEventListener::listen_once() {
  pqxx::connection conn(url_);
  Receiver queued(conn, kJobQueuedChannel, callbacks_.queued, received_);
  Receiver ended(conn, kJobEndedChannel, callbacks_.ended, received_);
  while (!stopping_.load()) {
    conn.await_notification(kPollSeconds, 0);
  }
}

}  // namespace findme::store::postgres
