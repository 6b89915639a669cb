// libFuzzer harness: HTTP requests through the api layer (routing, authentication, JSON and
// multipart bodies, validation, and the domain and store work behind them) against a real SQLite
// store in a fresh temporary DATA_DIR per input. The input is a request in HTTP/1.1 shape:
//
//   METHOD SP TARGET LF
//   NAME: VALUE LF          (any number; "@org" and "@ann" in a value become the bearer tokens
//   LF                       of the seeded organizer and attendee, so authorised routes are
//   BODY                     reached)
//
// The seeded world: organizer org@example.org with event HARBRX holding one photo, attendee
// ann@example.org who joined it and has a sure match on that photo. Every answer must be a valid
// status, and every error must be the contract's JSON error body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "api/api.h"
#include "core/clock.h"
#include "domain/accounts.h"
#include "domain/attendees.h"
#include "domain/embedding_index.h"
#include "domain/events.h"
#include "domain/file_store.h"
#include "domain/gallery.h"
#include "domain/photos.h"
#include "domain/secrets.h"
#include "http/multipart.h"
#include "http/url.h"
#include "image/vips/vips_image_decoder.h"
#include "metrics/registry.h"
#include "store/sqlite/sqlite_store.h"

namespace findme {
namespace {

constexpr std::string_view kOrgToken = "fuzz-organizer-token-0123456789abcdefghijklmnop";
constexpr std::string_view kAnnToken = "fuzz-attendee-token-0123456789abcdefghijklmnopq";

template <class T>
T must(Result<T> result) {
  if (!result) {
    std::abort();
  }
  return std::move(*result);
}

void must(const Result<void>& result) {
  if (!result) {
    std::abort();
  }
}

const image::ImageDecoder& decoder() {
  static const std::unique_ptr<image::vips::VipsImageDecoder> instance =
      must(image::vips::VipsImageDecoder::create());
  return *instance;
}

// The service's objects over a fresh database and DATA_DIR, removed on destruction.
struct World {
  World() : dir(make_dir()), files(dir / "data") {
    store = must(store::sqlite::SqliteStore::open({.path = (dir / "findme.db").string()}, clock));
    index = std::make_unique<domain::EmbeddingIndex>(*store);
    accounts = std::make_unique<domain::Accounts>(*store, files, clock);
    events = std::make_unique<domain::Events>(*store, files);
    const domain::UploadLimits limits{.max_file_bytes = 1 << 20, .max_image_pixels = 4'000'000};
    photos = std::make_unique<domain::Photos>(*store, files, *events, decoder(), limits);
    attendees =
        std::make_unique<domain::Attendees>(*store, files, *accounts, *events, decoder(), limits);
    gallery = std::make_unique<domain::Gallery>(*store);
    api = std::make_unique<api::Api>(api::ApiContext{.accounts = *accounts,
                                                     .events = *events,
                                                     .photos = *photos,
                                                     .attendees = *attendees,
                                                     .gallery = *gallery,
                                                     .store = *store,
                                                     .metrics = registry,
                                                     .data_dir_free_bytes = {}});
    seed();
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;
  ~World() {
    api.reset();
    store.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  static std::filesystem::path make_dir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "findme-fuzz-api-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::abort();
    }
    return pattern;
  }

  void seed() {
    const Timestamp far = clock.now() + std::chrono::hours(24);
    const User org = must(store->create_user({.email = "org@example.org",
                                              .name = "Org",
                                              .role = Role::organizer,
                                              .password_hash = "x"}));
    const User ann = must(store->create_user(
        {.email = "ann@example.org", .name = "Ann", .role = Role::attendee, .password_hash = "x"}));
    must(store->create_token({domain::token_hash(kOrgToken), org.id, far}));
    must(store->create_token({domain::token_hash(kAnnToken), ann.id, far}));
    const Event event = *must(
        store->create_event({.organizer_id = org.id, .code = "HARBRX", .name = "Harbour Run"}));
    (void)must(store->join_event(ann.id, event.id));
    const std::string key = files.new_key(domain::FileKind::photo, "jpg");
    const std::string bytes = "not really a jpeg";
    must(files.write(key, std::as_bytes(std::span(bytes.data(), bytes.size()))));
    const store::PhotoAndJob photo = must(store->add_photo_and_enqueue(
        {.event_id = event.id,
         .uploaded_by = org.id,
         .filename = "p.jpg",
         .storage_key = key,
         .content_type = "image/jpeg",
         .byte_size = static_cast<std::int64_t>(bytes.size()),
         .content_sha256 = domain::sha256_hex(std::as_bytes(std::span(bytes)))}));
    const NewMatch match{.user_id = ann.id,
                         .photo_id = photo.photo.id,
                         .face_id = {},
                         .distance = 0.3f,
                         .band = MatchBand::sure};
    must(store->upsert_matches({&match, 1}));
  }

  std::filesystem::path dir;
  SystemClock clock;
  metrics::Registry registry;
  domain::FileStore files;
  std::unique_ptr<store::sqlite::SqliteStore> store;
  std::unique_ptr<domain::EmbeddingIndex> index;
  std::unique_ptr<domain::Accounts> accounts;
  std::unique_ptr<domain::Events> events;
  std::unique_ptr<domain::Photos> photos;
  std::unique_ptr<domain::Attendees> attendees;
  std::unique_ptr<domain::Gallery> gallery;
  std::unique_ptr<api::Api> api;
};

std::string with_tokens(std::string value) {
  for (const auto& [from, to] : {std::pair{std::string_view("@org"), kOrgToken},
                                 std::pair{std::string_view("@ann"), kAnnToken}}) {
    for (std::size_t at = value.find(from); at != std::string::npos;
         at = value.find(from, at + to.size())) {
      value.replace(at, from.size(), to);
    }
  }
  return value;
}

// The request the http layer would hand to the api, or nullopt where http/ answers by itself
// (unparsable target, malformed multipart).
std::optional<api::Request> parse_request(std::string_view input, std::string& body) {
  api::Request request;
  const std::size_t line_end = input.find('\n');
  if (line_end == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view line = input.substr(0, line_end);
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos) {
    return std::nullopt;
  }
  request.method = std::string(line.substr(0, space));
  request.target = std::string(line.substr(space + 1));
  std::optional<http::Target> target = http::parse_target(request.target);
  if (!target) {
    return std::nullopt;
  }
  request.path = std::move(target->path);
  request.query = std::move(target->query);
  std::size_t at = line_end + 1;
  while (at < input.size()) {
    const std::size_t end = input.find('\n', at);
    const std::string_view header =
        input.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    at = end == std::string_view::npos ? input.size() : end + 1;
    if (header.empty()) {
      break;
    }
    const std::size_t colon = header.find(':');
    if (colon == std::string_view::npos) {
      continue;
    }
    std::string_view value = header.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') {
      value.remove_prefix(1);
    }
    request.headers.emplace_back(std::string(header.substr(0, colon)),
                                 with_tokens(std::string(value)));
  }
  for (const auto& [name, value] : request.headers) {
    if (api::Request::iequals(name, "cookie")) {
      http::parse_cookies(value, request.cookies);
    }
  }
  body = std::string(input.substr(std::min(at, input.size())));
  request.body = body;
  request.remote_address = "127.0.0.1";
  request.request_id = "fuzz";
  if (std::optional<std::string_view> type = request.header("Content-Type");
      type && http::is_multipart_form_data(*type)) {
    Result<std::string> boundary = http::multipart_boundary(*type);
    if (!boundary) {
      return std::nullopt;
    }
    Result<std::vector<api::Part>> parts = http::parse_multipart(request.body, *boundary);
    if (!parts) {
      return std::nullopt;
    }
    request.multipart = true;
    request.parts = std::move(*parts);
  }
  return request;
}

void check(const api::Response& response) {
  if (response.status < 100 || response.status > 599) {
    std::abort();
  }
  if (response.status >= 400 && !response.file && !response.stream && !response.wait) {
    // The contract's error shape: {"error": {"code": "...", "message": "..."}}.
    const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_discarded() || !body.contains("error") || !body["error"]["code"].is_string() ||
        !body["error"]["message"].is_string()) {
      std::abort();
    }
  }
  if (response.stream) {
    std::string chunk(1 << 16, '\0');
    for (int i = 0; i < 1000; ++i) {
      Result<std::size_t> n = response.stream->next(std::span(chunk.data(), chunk.size()));
      if (!n || *n == 0) {
        break;
      }
    }
  }
}

}  // namespace
}  // namespace findme

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace findme;
  std::string body;
  std::optional<api::Request> request =
      parse_request(std::string_view(reinterpret_cast<const char*>(data), size), body);
  if (!request) {
    return 0;
  }
  World world;
  api::Response response = world.api->handle(*request);
  check(response);
  if (response.wait) {  // the last run of a waiting request must answer
    request->wait_deadline = response.wait->deadline;
    request->wait_expired = true;
    response = world.api->handle(*request);
    if (response.wait) {
      std::abort();
    }
    check(response);
  }
  return 0;
}
