#include "api/public_event_cache.h"

#include <utility>

namespace findme::api {

PublicEventCache::PublicEventCache(Clock::duration ttl, std::size_t max_entries)
    : ttl_(ttl), max_entries_(max_entries) {}

std::shared_ptr<const std::string> PublicEventCache::get(const std::string& code,
                                                         Clock::time_point now) const {
  MutexLock lock(mu_);
  auto it = entries_.find(code);
  if (it == entries_.end() || now - it->second.stored >= ttl_) return nullptr;
  return it->second.body;
}

void PublicEventCache::put(const std::string& code, std::string body, Clock::time_point now) {
  auto shared = std::make_shared<const std::string>(std::move(body));
  MutexLock lock(mu_);
  if (entries_.size() >= max_entries_ && !entries_.contains(code)) {
    std::erase_if(entries_, [&](const auto& e) { return now - e.second.stored >= ttl_; });
    if (entries_.size() >= max_entries_) return;  // all fresh: the database answers the rest
  }
  entries_.insert_or_assign(code, Entry{std::move(shared), now});
}

void PublicEventCache::clear() {
  MutexLock lock(mu_);
  entries_.clear();
}

}  // namespace findme::api
