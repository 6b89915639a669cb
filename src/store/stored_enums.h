// Enums read back from storage: the inverse of core/entities.h's to_string, shared by every
// backend so the spelling of a stored value lives in one place.
#pragma once

#include <initializer_list>
#include <string_view>

#include "core/entities.h"

// SQL conditions on a match row shared by both backends; `p` is the table alias with its dot or
// "". Visible: its photo is shown (store.h). Candidate: waiting for "Is this you?".
#define FINDME_MATCH_VISIBLE(p) \
  "(" p "state = 'confirmed' OR (" p "band = 'sure' AND " p "state = 'none'))"
#define FINDME_MATCH_CANDIDATE(p) "(" p "band = 'maybe' AND " p "state = 'none')"

namespace findme::store {

// The value whose to_string() is `text`; `fallback` for anything else (rows are written by us, so
// only a corrupted database reaches it).
template <class Enum>
constexpr Enum enum_from_text(std::string_view text, std::initializer_list<Enum> values,
                              Enum fallback) {
  for (Enum value : values) {
    if (to_string(value) == text) return value;
  }
  return fallback;
}

constexpr Role role_from_text(std::string_view text) {
  return enum_from_text(text, {Role::organizer, Role::attendee}, Role::attendee);
}

constexpr PhotoStatus photo_status_from_text(std::string_view text) {
  using enum PhotoStatus;
  return enum_from_text(text, {queued, indexed, failed}, queued);
}

constexpr JobKind job_kind_from_text(std::string_view text) {
  using enum JobKind;
  return enum_from_text(text, {index_photo, match_selfie, match_new_faces}, index_photo);
}

constexpr JobStatus job_status_from_text(std::string_view text) {
  using enum JobStatus;
  return enum_from_text(text, {queued, running, done, failed}, queued);
}

constexpr MatchBand match_band_from_text(std::string_view text) {
  return enum_from_text(text, {MatchBand::sure, MatchBand::maybe}, MatchBand::maybe);
}

constexpr MatchState match_state_from_text(std::string_view text) {
  using enum MatchState;
  return enum_from_text(text, {none, confirmed, rejected}, rejected);
}

static_assert(match_band_from_text("sure") == MatchBand::sure);
static_assert(match_state_from_text("confirmed") == MatchState::confirmed);
static_assert(photo_status_from_text("indexed") == PhotoStatus::indexed);
static_assert(job_kind_from_text("match_new_faces") == JobKind::match_new_faces);
static_assert(job_status_from_text("done") == JobStatus::done);
static_assert(role_from_text("organizer") == Role::organizer);

}  // namespace findme::store
