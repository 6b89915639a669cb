#include "domain/events.h"

#include "domain/validation.h"

namespace findme::domain {
namespace {

Error event_not_found() {
  return make_error(Errc::not_found, "no event has this code; check the code and try again");
}

Result<void> require_organizer(const User& user) {
  if (user.role != Role::organizer) {
    return make_error(Errc::forbidden, "only organizers can manage events");
  }
  return {};
}

}  // namespace

Events::Events(store::Store& store, FileStore& files, std::function<void(EventId)> on_deleted)
    : store_(store), files_(files), on_deleted_(std::move(on_deleted)) {}

Result<Event> Events::create(const User& organizer, std::string_view name,
                             std::optional<Timestamp> starts_at) {
  if (Result<void> r = require_organizer(organizer); !r) return r.error();
  Result<std::string> display = normalize_name(name);
  if (!display) return display.error();
  // 887 million codes: a collision is rare, and the store tells us so that we draw again.
  for (int attempt = 0; attempt < 20; ++attempt) {
    Result<std::optional<Event>> created = store_.create_event(NewEvent{
        .organizer_id = organizer.id,
        .code = generate_event_code(),
        .name = *display,
        .starts_at = starts_at,
    });
    if (!created) return created.error();
    if (*created) return std::move(**created);
  }
  return make_error(Errc::internal, "could not find a free event code; try again");
}

Result<std::vector<Event>> Events::list(const User& organizer) {
  if (Result<void> r = require_organizer(organizer); !r) return r.error();
  return store_.list_organizer_events(organizer.id);
}

Result<Event> Events::find_public(std::string_view code) {
  std::optional<std::string> canonical = normalize_event_code(code);
  if (!canonical) return event_not_found();
  Result<std::optional<Event>> event = store_.find_event_by_code(*canonical);
  if (!event) return event.error();
  if (!*event) return event_not_found();
  return std::move(**event);
}

Result<Event> Events::find_owned(const User& user, std::string_view code) {
  if (Result<void> r = require_organizer(user); !r) return r.error();
  Result<Event> event = find_public(code);
  if (!event) return event.error();
  if (event->organizer_id != user.id) return event_not_found();
  return event;
}

Result<EventStats> Events::stats(const User& user, std::string_view code) {
  Result<Event> event = find_owned(user, code);
  if (!event) return event.error();
  return store_.event_stats(event->id);
}

Result<void> Events::remove(const User& user, std::string_view code) {
  Result<Event> event = find_owned(user, code);
  if (!event) return event.error();
  Result<store::OrphanedKeys> keys = store_.delete_event(event->id);
  if (!keys) return keys.error();
  if (on_deleted_) on_deleted_(event->id);
  for (const std::string& key : *keys) files_.remove(key);
  return {};
}

}  // namespace findme::domain
