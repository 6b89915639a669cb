// Event photos: durable upload (bytes and row, then 202), the organizer's list, and serving
// originals and thumbnails to those allowed to see them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/entities.h"
#include "core/limits.h"
#include "core/result.h"
#include "domain/events.h"
#include "domain/file_store.h"
#include "image/image_decoder.h"
#include "store/store.h"

namespace findme::domain {

struct UploadLimits {
  std::int64_t max_file_bytes = std::int64_t{kDefaultMaxUploadMb} * 1024 * 1024;
  std::int64_t max_image_pixels = kDefaultMaxImagePixels;
  std::int64_t max_queued_jobs = 100'000;  // beyond it: 429 busy (API.md decision 16)
};

// One uploaded file; `bytes` must stay valid during the call.
struct UploadedFile {
  std::string filename;  // the client's name, kept for display only
  std::span<const std::byte> bytes;
};

struct RejectedFile {
  std::string filename;
  Error error;
};

struct UploadOutcome {
  std::vector<store::PhotoAndJob> accepted;
  std::vector<RejectedFile> rejected;
};

enum class PhotoVariant { original, thumbnail };

// What the HTTP layer streams for a photo.
struct PhotoFile {
  std::filesystem::path path;
  std::string content_type;
  std::string etag;  // strong, quoted; files never change under a key
};

// Thread-safe. Uploads write and fsync files: run them on a blocking pool.
class Photos {
 public:
  // `wake_workers` is called after jobs were queued; it may be empty.
  Photos(store::Store& store, FileStore& files, Events& events, const image::ImageDecoder& decoder,
         UploadLimits limits, std::function<void()> wake_workers = {});

  // Stores each acceptable file durably with its row and indexing job; the others are listed in
  // `rejected` with why (payload_too_large, unsupported_media_type, invalid_image). Errors for
  // the whole request: those of Events::find_owned, Errc::busy when the durable queue is full.
  Result<UploadOutcome> upload(const User& user, std::string_view code,
                               std::span<const UploadedFile> files);

  // The event's photos for its organizer (errors as Events::find_owned).
  Result<std::vector<Photo>> list(const User& user, std::string_view code);

  // The file when `user` may see the photo (its event's organizer, or an attendee matched to it);
  // Errc::not_found otherwise, and when a thumbnail is not made yet.
  Result<PhotoFile> file(const User& user, PhotoId photo, PhotoVariant variant);

  // A JPEG of one face only ("Is this you?"): the face box enlarged by kFaceCropMargin on each
  // side, cut from the original, longer side at most kFaceCropLongSide. For the user with a
  // match on that face (in any band or state) and for the organizer of its event; Errc::not_found
  // for anyone else and for an unknown face (decision 11). Decodes the photo: blocking pool.
  Result<std::string> face_crop(const User& user, FaceId face);

 private:
  Result<store::PhotoAndJob> store_one(const Event& event, const User& user,
                                       const UploadedFile& file);
  bool row_may_hold(const Event& event, const std::string& content, const std::string& key,
                    const Error& failure);

  store::Store& store_;
  FileStore& files_;
  Events& events_;
  const image::ImageDecoder& decoder_;
  UploadLimits limits_;
  std::function<void()> wake_workers_;
};

// The face crop's margin as a fraction of the face box's side, and its size: enough context to
// recognise oneself (hair, glasses), too little to show who stands beside.
inline constexpr double kFaceCropMargin = 0.25;
inline constexpr int kFaceCropLongSide = 160;

// The face box enlarged by `margin` of its width and height on each side (not clamped).
image::PixelRect enlarged(const BoundingBox& box, double margin);

// The file extension the file store uses for a format.
std::string_view extension_of(image::ImageFormat format);

// Errc::payload_too_large / unsupported_media_type / invalid_image for bytes that cannot be an
// acceptable photo; the probe otherwise. Shared by photo and selfie uploads.
Result<image::ImageInfo> check_upload(const image::ImageDecoder& decoder,
                                      std::span<const std::byte> bytes, const UploadLimits& limits);

}  // namespace findme::domain
