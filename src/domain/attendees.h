// Attendees: registration with an event code (and optionally a selfie), and selfie uploads that
// start a background match job.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string_view>

#include "core/entities.h"
#include "core/result.h"
#include "domain/accounts.h"
#include "domain/events.h"
#include "domain/file_store.h"
#include "domain/photos.h"
#include "image/image_decoder.h"
#include "store/store.h"

namespace findme::domain {

struct Registration {
  Session session;
  Event event;
  std::optional<Job> match_job;  // when a selfie came with the registration
  bool created = false;          // false: an existing attendee joined the event
};

// Thread-safe. Calls hash passwords and write files: run them on a blocking pool.
class Attendees {
 public:
  // `wake_workers` is called after a job was queued; it may be empty.
  Attendees(store::Store& store, FileStore& files, Accounts& accounts, Events& events,
            const image::ImageDecoder& decoder, UploadLimits limits,
            std::function<void()> wake_workers = {});

  // API.md "register-with-event-code": Errc::invalid_event_code for an unknown code, errors of
  // Accounts::sign_in_attendee. An invalid or faceless selfie does not block the account: the
  // match job ends failed with the reason (decision 7).
  Result<Registration> register_with_code(std::string_view code, std::string_view email,
                                          std::string_view password, std::string_view name,
                                          std::optional<std::span<const std::byte>> selfie);

  // Stores the selfie and queues its match job over `code`'s event, or every joined event when
  // `code` is empty. Errc::forbidden for an organizer or an event not joined (decision 3),
  // Errc::invalid_event_code for an unknown code, upload errors of check_upload().
  Result<Job> upload_selfie(const User& user, std::string_view code,
                            std::span<const std::byte> selfie);

  // The answer to "Is this you?" about `face` (Store::answer_match): yes confirms the match (the
  // photo joins my-photos) and queues matching with the face as an extra query of the user in
  // that event; no rejects it for good. Answering again the same way changes nothing.
  // Errc::not_found when the user has no maybe or answered match on that face (organizers have
  // none), so nobody learns whether a face id exists (decision 11).
  Result<Match> answer(const User& user, FaceId face, bool is_me);

 private:
  Result<Job> store_selfie(const User& user, EventId scope, std::span<const std::byte> selfie);
  Result<Job> failed_selfie_job(const User& user, EventId scope, const Error& error);

  store::Store& store_;
  FileStore& files_;
  Accounts& accounts_;
  Events& events_;
  const image::ImageDecoder& decoder_;
  UploadLimits limits_;
  std::function<void()> wake_workers_;
};

}  // namespace findme::domain
