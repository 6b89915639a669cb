// GET /api/my-photos.zip: every photo of "my photos" as one ZIP, streamed (docs/api.md).
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "api/json_mapping.h"
#include "api/request_helpers.h"
#include "api/routes.h"
#include "domain/validation.h"
#include "domain/zip_archive.h"

namespace findme::api {
namespace {

constexpr std::size_t kMaxNameBytes = 150;  // well under every file system's 255-byte limit

std::string extension_for(std::string_view content_type) {
  if (content_type == "image/jpeg") return ".jpg";
  if (content_type == "image/png") return ".png";
  if (content_type == "image/webp") return ".webp";
  if (content_type == "image/heic" || content_type == "image/heif") return ".heic";
  return "";
}

// The uploader's file name, made safe to extract: no folders, no control characters, no leading
// dots, bounded length; "photo-<id>.jpg" when nothing usable is left.
std::string entry_name(const Photo& photo, std::string_view content_type) {
  std::string_view name = photo.filename;
  if (std::size_t slash = name.find_last_of("/\\"); slash != std::string_view::npos) {
    name = name.substr(slash + 1);
  }
  std::string safe;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' ||
        c == '>' || c == '|') {
      safe.push_back('_');
    } else if (!(safe.empty() && c == '.')) {
      safe.push_back(c);
    }
  }
  if (safe.size() > kMaxNameBytes) {
    std::size_t cut = kMaxNameBytes;
    // Do not cut a UTF-8 sequence in half: back up to a lead byte.
    while (cut > 0 && (static_cast<unsigned char>(safe[cut]) & 0xC0) == 0x80) --cut;
    safe.resize(cut);
  }
  const std::string ext = extension_for(content_type);
  if (safe.empty()) return "photo-" + wire_id(photo.id) + ext;
  if (safe.find('.') == std::string::npos) safe += ext;
  return safe;
}

Response my_photos_zip(const ApiContext& c, const Request& req) {
  Result<User> user = authenticate(c.accounts, req);
  if (!user) return error_response(user.error());
  std::optional<std::string_view> code = req.query_param("event_code");
  if (code && code->empty()) code.reset();
  Result<domain::MyPhotos> mine = c.gallery.my_photos(*user, code);
  if (!mine) return error_response(mine.error());

  std::vector<domain::ZipEntry> entries;
  for (const domain::MyPhoto& m : mine->photos) {
    Result<domain::PhotoFile> file =
        c.photos.file(*user, m.photo.id, domain::PhotoVariant::original);
    std::error_code ec;
    std::uintmax_t size = file ? std::filesystem::file_size(file->path, ec) : 0;
    if (!file || ec) continue;  // deleted since the list was read: leave it out
    entries.push_back({.name = m.event_code + "/" + entry_name(m.photo, file->content_type),
                       .path = file->path,
                       .size = size});
  }
  if (entries.empty()) {
    return error_response(
        make_error(Errc::not_found, "there are no photos of you to download yet; try again later"));
  }
  Result<domain::ZipStream> zip = domain::ZipStream::create(std::move(entries));
  if (!zip) return error_response(zip.error());
  // Shared by the copies of the std::function http/ may make; only one runs at a time.
  auto stream = std::make_shared<domain::ZipStream>(std::move(*zip));
  std::string filename = "findme-photos.zip";
  if (code) {
    // Input codes may carry spaces, dashes and lower case (docs/api.md): the canonical form.
    if (const std::optional<std::string> canonical = domain::normalize_event_code(*code)) {
      filename = "findme-" + *canonical + ".zip";
    }
  }
  Response response =
      Response::send_stream({.content_type = "application/zip",
                             .content_length = stream->size(),
                             .next = [stream](std::span<char> out) { return stream->read(out); }});
  response.set_header("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  response.set_header("Cache-Control", "private, no-store");
  return response;
}

}  // namespace

void add_archive_routes(Router& router, const ApiContext& c) {
  router.add("GET /api/my-photos.zip",
             [&c](const Request& req, const PathParams&) { return my_photos_zip(c, req); });
}

}  // namespace findme::api
