// Entities to the contract's JSON shapes (API.md), and the wire forms of ids and times.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/entities.h"

namespace findme::api {

// RFC 3339 UTC with milliseconds, e.g. "2026-11-25T18:04:06.123Z".
std::string format_time(Timestamp t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)"; nullopt otherwise.
std::optional<Timestamp> parse_time(std::string_view text);

// Ids are opaque strings on the wire (decimal today; clients must not rely on it).
template <class Tag>
std::string wire_id(Id<Tag> id) {
  return std::to_string(id.value);
}
// nullopt for anything that is not an id we issued.
std::optional<std::int64_t> parse_wire_id(std::string_view text);

nlohmann::json user_json(const User& user);
nlohmann::json event_json(const Event& event);         // the organizer's view
nlohmann::json public_event_json(const Event& event);  // GET /api/events/{code}
nlohmann::json photo_json(const Photo& photo);         // GET /api/events/{code}/photos
nlohmann::json job_json(const Job& job);               // GET /api/jobs/{id}
nlohmann::json job_summary_json(const Job& job);       // {id, status}
nlohmann::json stats_json(const EventStats& stats);

}  // namespace findme::api
