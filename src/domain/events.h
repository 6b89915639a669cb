// Events: creation with readable codes, the organizer's list, public lookup, stats, deletion.
#pragma once

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "core/entities.h"
#include "core/result.h"
#include "domain/file_store.h"
#include "store/store.h"

namespace findme::domain {

// Thread-safe.
class Events {
 public:
  // `on_deleted` runs after an event is erased (e.g. to drop its in-memory embeddings); it may be
  // empty.
  Events(store::Store& store, FileStore& files, std::function<void(EventId)> on_deleted = {});

  // Errc::forbidden unless an organizer; Errc::invalid_request for a bad name.
  Result<Event> create(const User& organizer, std::string_view name,
                       std::optional<Timestamp> starts_at);

  // Errc::forbidden for an attendee (API.md decision 12).
  Result<std::vector<Event>> list(const User& organizer);

  // Anyone. Errc::not_found for an unknown or malformed code.
  Result<Event> find_public(std::string_view code);

  // The event when `user` organizes it. Errc::not_found for an unknown code or someone else's
  // event (do not reveal existence); Errc::forbidden for an attendee.
  Result<Event> find_owned(const User& user, std::string_view code);

  Result<EventStats> stats(const User& user, std::string_view code);

  // Erases the event with its photos, faces, matches, memberships and files.
  Result<void> remove(const User& user, std::string_view code);

 private:
  store::Store& store_;
  FileStore& files_;
  std::function<void(EventId)> on_deleted_;
};

}  // namespace findme::domain
