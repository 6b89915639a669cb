// The public view of events (GET /api/events/{code}, what every attendee's phone asks first),
// kept for a second so that http/ can answer it on an I/O thread without the database.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/mutex.h"

namespace findme::api {

// Thread-safe. Entries are the rendered JSON body by canonical event code. An entry is served
// for `ttl` after it was stored: another process (PostgreSQL scale-out) may have uploaded a photo
// or deleted the event meanwhile, so a view is never older than that. In this process, clear()
// after every successful write makes a change visible at once.
class PublicEventCache {
 public:
  using Clock = std::chrono::steady_clock;

  explicit PublicEventCache(Clock::duration ttl = std::chrono::seconds(1),
                            std::size_t max_entries = 10'000);

  std::shared_ptr<const std::string> get(const std::string& code, Clock::time_point now) const;
  void put(const std::string& code, std::string body, Clock::time_point now);
  void clear();

 private:
  struct Entry {
    std::shared_ptr<const std::string> body;
    Clock::time_point stored;
  };

  const Clock::duration ttl_;
  const std::size_t max_entries_;
  mutable Mutex mu_;
  std::unordered_map<std::string, Entry> entries_ FINDME_GUARDED_BY(mu_);
};

}  // namespace findme::api
