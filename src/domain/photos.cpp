#include "domain/photos.h"

#include <cmath>

#include "domain/secrets.h"

namespace findme::domain {
namespace {

Error photo_not_found() {
  return make_error(Errc::not_found, "no such photo, or you may not see it");
}

}  // namespace

std::string_view extension_of(image::ImageFormat format) {
  switch (format) {
    case image::ImageFormat::jpeg:
      return "jpg";
    case image::ImageFormat::png:
      return "png";
    case image::ImageFormat::webp:
      return "webp";
    case image::ImageFormat::heif:
      return "heic";
  }
  return "bin";
}

Result<image::ImageInfo> check_upload(const image::ImageDecoder& decoder,
                                      std::span<const std::byte> bytes,
                                      const UploadLimits& limits) {
  if (static_cast<std::int64_t>(bytes.size()) > limits.max_file_bytes) {
    return make_error(Errc::payload_too_large,
                      "the file is larger than " +
                          std::to_string(limits.max_file_bytes / (1024L * 1024)) +
                          " MB; send a smaller photo");
  }
  return decoder.probe(bytes, image::DecodeOptions{.max_pixels = limits.max_image_pixels});
}

Photos::Photos(store::Store& store, FileStore& files, Events& events,
               const image::ImageDecoder& decoder, UploadLimits limits,
               std::function<void()> wake_workers)
    : store_(store),
      files_(files),
      events_(events),
      decoder_(decoder),
      limits_(limits),
      wake_workers_(std::move(wake_workers)) {}

Result<store::PhotoAndJob> Photos::store_one(const Event& event, const User& user,
                                             const UploadedFile& file) {
  Result<image::ImageInfo> info = check_upload(decoder_, file.bytes, limits_);
  if (!info) return info.error();
  // A retried upload (lost answer, flaky venue Wi-Fi) finds its photo and stores nothing again.
  const std::string content = sha256_hex(file.bytes);
  Result<std::optional<store::PhotoAndJob>> existing =
      store_.find_photo_by_content(event.id, content);
  if (!existing) return existing.error();
  if (*existing) return std::move(**existing);
  const std::string key = files_.new_key(FileKind::photo, extension_of(info->format));
  if (Result<void> r = files_.write(key, file.bytes); !r) return r.error();
  // The file is durable; now the row and its job, in one transaction. If that fails, or a
  // concurrent upload of the same content stored its row first, the file is removed, so nothing
  // is half-stored or stored twice: unless the row may be there after all (below).
  Result<store::PhotoAndJob> stored = store_.add_photo_and_enqueue(NewPhoto{
      .event_id = event.id,
      .uploaded_by = user.id,
      .filename = file.filename.substr(0, 255),
      .storage_key = key,
      .thumbnail_key = {},
      .content_type = std::string(image::mime_type(info->format)),
      .byte_size = static_cast<std::int64_t>(file.bytes.size()),
      .width = info->width,
      .height = info->height,
      .content_sha256 = content,
  });
  if (stored && stored->duplicate) files_.remove(key);
  if (!stored && !row_may_hold(event, content, key, stored.error())) files_.remove(key);
  return stored;
}

// After a failed add_photo_and_enqueue: whether a row may still refer to `key`. A transient
// failure can be a commit whose answer was lost (PostgreSQL reports a commit cut off by a dying
// connection as a failure even when it went through), so the store is asked; when it cannot
// answer either, the file is kept: an orphan at worst, which `findme check --repair` removes,
// rather than a photo whose file is gone.
bool Photos::row_may_hold(const Event& event, const std::string& content, const std::string& key,
                          const Error& failure) {
  if (failure.code != Errc::unavailable) return false;
  Result<std::optional<store::PhotoAndJob>> found = store_.find_photo_by_content(event.id, content);
  if (!found) return true;
  return *found && (*found)->photo.storage_key == key;
}

Result<UploadOutcome> Photos::upload(const User& user, std::string_view code,
                                     std::span<const UploadedFile> files) {
  Result<Event> event = events_.find_owned(user, code);
  if (!event) return event.error();
  Result<std::int64_t> queued = store_.count_queued_jobs();
  if (!queued) return queued.error();
  if (*queued + static_cast<std::int64_t>(files.size()) > limits_.max_queued_jobs) {
    return make_error(Errc::busy, "the indexing queue is full; retry in a minute");
  }
  UploadOutcome outcome;
  for (const UploadedFile& file : files) {
    Result<store::PhotoAndJob> stored = store_one(*event, user, file);
    if (stored) {
      outcome.accepted.push_back(std::move(*stored));
    } else if (stored.error().code == Errc::unavailable) {
      return stored.error();  // the disk or database is failing: tell the client to retry
    } else {
      outcome.rejected.push_back({file.filename, stored.error()});
    }
  }
  if (!outcome.accepted.empty() && wake_workers_) wake_workers_();
  return outcome;
}

Result<std::vector<Photo>> Photos::list(const User& user, std::string_view code) {
  Result<Event> event = events_.find_owned(user, code);
  if (!event) return event.error();
  return store_.list_event_photos(event->id);
}

Result<PhotoFile> Photos::file(const User& user, PhotoId id, PhotoVariant variant) {
  Result<bool> allowed = store_.can_view_photo(user.id, id);
  if (!allowed) return allowed.error();
  if (!*allowed) return photo_not_found();
  Result<std::optional<Photo>> photo = store_.find_photo(id);
  if (!photo) return photo.error();
  if (!*photo) return photo_not_found();
  const bool original = variant == PhotoVariant::original;
  const std::string& key = original ? (*photo)->storage_key : (*photo)->thumbnail_key;
  if (key.empty()) return make_error(Errc::not_found, "the thumbnail is not ready yet");
  Result<std::filesystem::path> path = files_.path_of(key);
  if (!path) return path.error();
  return PhotoFile{
      .path = *path,
      .content_type = original ? (*photo)->content_type : std::string("image/jpeg"),
      .etag = "\"" + key.substr(key.rfind('/') + 1) + "\"",
  };
}

image::PixelRect enlarged(const BoundingBox& box, double margin) {
  const int dx = static_cast<int>(std::lround(box.width * margin));
  const int dy = static_cast<int>(std::lround(box.height * margin));
  return {box.x - dx, box.y - dy, box.width + 2 * dx, box.height + 2 * dy};
}

Result<std::string> Photos::face_crop(const User& user, FaceId id) {
  auto face_not_found = [] {
    return make_error(Errc::not_found, "no such face, or you may not see it");
  };
  Result<std::optional<Face>> face = store_.find_face(id);
  if (!face) return face.error();
  if (!*face) return face_not_found();
  Result<std::optional<Match>> match = store_.find_user_face_match(user.id, id);
  if (!match) return match.error();
  Result<std::optional<Photo>> photo = store_.find_photo((*face)->photo_id);
  if (!photo) return photo.error();
  if (!*photo) return face_not_found();
  if (!*match) {
    Result<std::optional<Event>> event = store_.find_event((*photo)->event_id);
    if (!event) return event.error();
    if (!*event || (*event)->organizer_id != user.id) return face_not_found();
  }
  Result<std::string> bytes = files_.read((*photo)->storage_key);
  if (!bytes) return bytes.error();
  return decoder_.crop_jpeg(std::as_bytes(std::span(*bytes)),
                            enlarged((*face)->box, kFaceCropMargin), kFaceCropLongSide,
                            {.max_pixels = limits_.max_image_pixels});
}

}  // namespace findme::domain
