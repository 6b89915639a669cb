#include "domain/gallery.h"

#include <optional>
#include <string>

#include "domain/validation.h"

namespace findme::domain {

Gallery::Gallery(store::Store& store, float threshold) : store_(store), threshold_(threshold) {}

Result<Gallery::Scope> Gallery::scope_of(const User& user,
                                         std::optional<std::string_view> event_code) {
  if (user.role != Role::attendee) {
    return make_error(Errc::forbidden, "My photos is for attendees; sign in as an attendee.");
  }
  Scope scope;
  if (!event_code) {
    return scope;
  }
  // Codes are typed by people: case, spaces and dashes do not matter (docs/api.md).
  const std::optional<std::string> canonical = normalize_event_code(*event_code);
  Result<std::optional<Event>> event =
      canonical ? store_.find_event_by_code(*canonical) : std::optional<Event>();
  if (!event) {
    return event.error();
  }
  if (!*event) {
    return make_error(Errc::invalid_event_code,
                      "No event has this code. Check the code you were given and try again.");
  }
  scope.event = (*event)->id;
  Result<bool> member = store_.is_member(user.id, (*event)->id);
  if (!member) {
    return member.error();
  }
  scope.joined = *member;
  return scope;
}

Result<MyPhotos> Gallery::my_photos(const User& user, std::optional<std::string_view> event_code) {
  Result<Scope> scope = scope_of(user, event_code);
  if (!scope) {
    return scope.error();
  }
  MyPhotos result;
  if (scope->joined) {
    Result<std::vector<MatchedPhoto>> matches = store_.list_user_matches(user.id, scope->event);
    if (!matches) {
      return matches.error();
    }
    result.photos.reserve(matches->size());
    // The store orders by distance then photo id; similarity is decreasing in distance, so that
    // order is already "best first".
    for (MatchedPhoto& m : *matches) {
      result.photos.push_back(
          {std::move(m.photo), std::move(m.event_code), similarity(m.distance, threshold_)});
    }
    Result<std::int64_t> candidates = store_.count_user_candidates(user.id, scope->event);
    if (!candidates) {
      return candidates.error();
    }
    result.candidates = *candidates;
  }
  Result<std::int64_t> pending = store_.count_pending_jobs(user.id);
  if (!pending) {
    return pending.error();
  }
  result.pending_jobs = *pending;
  return result;
}

Result<std::vector<MyCandidate>> Gallery::my_candidates(
    const User& user, std::optional<std::string_view> event_code) {
  Result<Scope> scope = scope_of(user, event_code);
  if (!scope) {
    return scope.error();
  }
  std::vector<MyCandidate> result;
  if (!scope->joined) {
    return result;
  }
  Result<std::vector<MatchCandidate>> listed =
      store_.list_user_candidates(user.id, scope->event, kMaxCandidatesPerCall);
  if (!listed) {
    return listed.error();
  }
  result.reserve(listed->size());
  for (MatchCandidate& c : *listed) {
    result.push_back(
        {c.face_id, c.photo_id, std::move(c.event_code), similarity(c.distance, threshold_)});
  }
  return result;
}

Result<void> Gallery::hide(UserId user, PhotoId photo) {
  Result<bool> hidden = store_.hide_match(user, photo);
  if (!hidden) {
    return hidden.error();
  }
  if (!*hidden) {
    return make_error(Errc::not_found, "This photo is not among your photos.");
  }
  return {};
}

Result<Job> Gallery::job_view(UserId user, JobId job) {
  Result<std::optional<Job>> found = store_.find_job(job);
  if (!found) {
    return found.error();
  }
  if (!*found || (*found)->owner_id != user) {
    return make_error(Errc::not_found, "No such job.");
  }
  return std::move(**found);
}

}  // namespace findme::domain
