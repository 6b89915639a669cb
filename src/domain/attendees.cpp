#include "domain/attendees.h"

namespace findme::domain {

Attendees::Attendees(store::Store& store, FileStore& files, Accounts& accounts, Events& events,
                     const image::ImageDecoder& decoder, UploadLimits limits,
                     std::function<void()> wake_workers)
    : store_(store),
      files_(files),
      accounts_(accounts),
      events_(events),
      decoder_(decoder),
      limits_(limits),
      wake_workers_(std::move(wake_workers)) {}

Result<Registration> Attendees::register_with_code(
    std::string_view code, std::string_view email, std::string_view password, std::string_view name,
    std::optional<std::span<const std::byte>> selfie) {
  Result<Event> event = events_.find_public(code);
  if (!event) {
    if (event.error().code != Errc::not_found) return event.error();
    return make_error(Errc::invalid_event_code,
                      "no event has this code; check the code you were given");
  }
  Result<Accounts::AttendeeSession> signed_in = accounts_.sign_in_attendee(email, password, name);
  if (!signed_in) return signed_in.error();
  const User& user = signed_in->session.user;
  if (Result<bool> joined = store_.join_event(user.id, event->id); !joined) return joined.error();

  Registration registration{std::move(signed_in->session), *event, std::nullopt,
                            signed_in->created};
  if (selfie) {
    Result<Job> job = store_selfie(registration.session.user, event->id, *selfie);
    if (!job && job.error().code != Errc::unavailable && job.error().code != Errc::internal) {
      job = failed_selfie_job(registration.session.user, event->id, job.error());
    }
    if (!job) return job.error();
    registration.match_job = std::move(*job);
  }
  return registration;
}

Result<Job> Attendees::upload_selfie(const User& user, std::string_view code,
                                     std::span<const std::byte> selfie) {
  if (user.role != Role::attendee) {
    return make_error(Errc::forbidden, "only attendees upload selfies");
  }
  EventId scope;
  if (!code.empty()) {
    Result<Event> event = events_.find_public(code);
    if (!event) {
      if (event.error().code != Errc::not_found) return event.error();  // e.g. the store is away
      return make_error(Errc::invalid_event_code, "no event has this code; check the code");
    }
    Result<bool> member = store_.is_member(user.id, event->id);
    if (!member) return member.error();
    if (!*member) {
      return make_error(Errc::forbidden, "join this event with its code before sending a selfie");
    }
    scope = event->id;
  }
  return store_selfie(user, scope, selfie);
}

Result<Job> Attendees::store_selfie(const User& user, EventId scope,
                                    std::span<const std::byte> selfie) {
  Result<image::ImageInfo> info = check_upload(decoder_, selfie, limits_);
  if (!info) return info.error();
  const std::string key = files_.new_key(FileKind::selfie, extension_of(info->format));
  if (Result<void> r = files_.write(key, selfie); !r) return r.error();
  Result<store::SelfieAndJob> stored =
      store_.add_selfie_and_enqueue(NewSelfie{.user_id = user.id, .storage_key = key},
                                    NewJob{.event_id = scope, .priority = kPriorityInteractive});
  if (!stored) {
    // A transient failure may be a commit whose answer was lost (see Photos::row_may_hold): the
    // file is then kept, an orphan at worst for `findme check --repair`, never a stored selfie
    // without its image.
    if (stored.error().code != Errc::unavailable) files_.remove(key);
    return stored.error();
  }
  if (wake_workers_) wake_workers_();
  return std::move(stored->job);
}

// A registration whose selfie cannot be used still gets its match job, ended failed with the
// reason, so that the client learns it the same way as a faceless selfie.
Result<Job> Attendees::failed_selfie_job(const User& user, EventId scope, const Error& error) {
  Result<Job> job = store_.enqueue_job(NewJob{.kind = JobKind::match_selfie,
                                              .owner_id = user.id,
                                              .event_id = scope,
                                              .priority = kPriorityInteractive});
  if (!job) return job.error();
  Result<std::optional<Job>> failed =
      store_.fail_job(job->id, store::JobFailure{.code = std::string(to_string(error.code)),
                                                 .message = error.message,
                                                 .permanent = true});
  if (!failed) return failed.error();
  if (!*failed) return make_error(Errc::internal, "the selfie job vanished");
  return std::move(**failed);
}

Result<Match> Attendees::answer(const User& user, FaceId face, bool is_me) {
  Result<std::optional<store::MatchAnswer>> answered = store_.answer_match(user.id, face, is_me);
  if (!answered) {
    return answered.error();
  }
  if (!*answered) {
    return make_error(Errc::not_found, "There is no such face to answer about.");
  }
  if ((*answered)->query && wake_workers_) {
    wake_workers_();
  }
  return (*answered)->match;
}

}  // namespace findme::domain
