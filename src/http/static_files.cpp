#include "http/static_files.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

#include "http/response_writer.h"

namespace findme::http {
namespace fs = std::filesystem;
namespace {

bool safe_segment(std::string_view s) {
  if (s.empty() || s == "." || s == "..") return false;
  for (char c : s) {
    if (c == '\\' || c == '\0') return false;
  }
  return true;
}

bool within(const fs::path& root, const fs::path& p) {
  auto [r, q] = std::mismatch(root.begin(), root.end(), p.begin(), p.end());
  return r == root.end();
}

bool is_regular(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

constexpr std::uintmax_t kMaxFileInMemory = std::uintmax_t{1} << 20;
constexpr std::uintmax_t kMaxBytesInMemory = std::uintmax_t{32} << 20;

// "a/b.js" for "/a/b.js", "" for "/"; nullopt for anything that could leave the root ("..", ".",
// "\", NUL, empty segments). `last_has_dot`: whether the last segment looks like a file name.
std::optional<std::string> relative_key(std::string_view decoded_path, bool& last_has_dot) {
  last_has_dot = false;
  if (decoded_path.empty() || decoded_path.front() != '/') return std::nullopt;
  std::string key;
  std::string_view rest = decoded_path.substr(1);
  while (!rest.empty()) {
    std::size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (seg.empty() && rest.empty()) break;  // one trailing slash
    if (!safe_segment(seg)) return std::nullopt;
    if (!key.empty()) key += '/';
    key += seg;
    last_has_dot = seg.find('.') != std::string_view::npos;
  }
  return key;
}

std::string cache_control_for(std::string_view content_type) {
  return content_type.starts_with("text/html") ? "no-cache" : "public, max-age=3600";
}

}  // namespace

std::string_view content_type_for(const fs::path& path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 20> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".map", "application/json; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
      {".txt", "text/plain; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".webp", "image/webp"},
      {".gif", "image/gif"},
      {".ico", "image/x-icon"},
      {".avif", "image/avif"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".wasm", "application/wasm"},
  }};
  std::string ext = path.extension().string();
  for (char& c : ext) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  for (const auto& [e, type] : kTypes) {
    if (e == ext) return type;
  }
  return "application/octet-stream";
}

std::string file_etag(const fs::path& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return {};
  auto mtime = fs::last_write_time(path, ec);
  if (ec) return {};
  auto ticks = static_cast<unsigned long long>(mtime.time_since_epoch().count());
  char buf[64];
  std::snprintf(buf, sizeof buf, "W/\"%llx-%llx\"", static_cast<unsigned long long>(size), ticks);
  return buf;
}

StaticFiles::StaticFiles(const fs::path& root) : root_(fs::weakly_canonical(root)) {
  load_into_memory();
}

void StaticFiles::load_into_memory() {
  std::error_code ec;
  std::uintmax_t total = 0;
  for (fs::recursive_directory_iterator it(root_, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    std::error_code entry_ec;
    // A symlink may lead outside the root: lookup() checks where it ends up, from disk.
    const bool link = entry.is_symlink(entry_ec);
    if (!link && !entry.is_regular_file(entry_ec)) continue;
    std::string key = entry.path().lexically_relative(root_).generic_string();
    const std::uintmax_t size = link ? 0 : entry.file_size(entry_ec);
    if (link || entry_ec || size > kMaxFileInMemory || total + size > kMaxBytesInMemory) {
      on_disk_only_.insert(std::move(key));
      continue;
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      on_disk_only_.insert(std::move(key));
      continue;
    }
    total += body.size();
    std::string type(content_type_for(entry.path()));
    std::string cache = cache_control_for(type);
    auto shared = std::make_shared<const std::string>(std::move(body));
    memory_.emplace(std::move(key), InMemory{std::move(shared), std::move(type),
                                             file_etag(entry.path()), std::move(cache)});
  }
}

const StaticFiles::InMemory* StaticFiles::in_memory(const std::string& key) const {
  auto it = memory_.find(key);
  return it == memory_.end() ? nullptr : &it->second;
}

bool StaticFiles::may_be_on_disk(const std::string& key) const {
  if (on_disk_only_.empty()) return false;
  for (std::size_t end = key.find('/'); end != std::string::npos; end = key.find('/', end + 1)) {
    if (on_disk_only_.contains(key.substr(0, end))) return true;  // e.g. a symlinked folder
  }
  return on_disk_only_.contains(key);
}

std::optional<api::Response> StaticFiles::from_memory(
    std::string_view decoded_path, std::optional<std::string_view> if_none_match) const {
  bool last_has_dot = false;
  auto key = relative_key(decoded_path, last_has_dot);
  if (!key) return std::nullopt;
  const std::string index_key = key->empty() ? "index.html" : *key + "/index.html";
  const InMemory* file = key->empty() ? nullptr : in_memory(*key);
  if (!file) file = in_memory(index_key);
  // The app-route fallback, as in resolve(), unless the disk may hold a better answer.
  if (!file && !last_has_dot && !may_be_on_disk(*key) && !on_disk_only_.contains(index_key)) {
    file = in_memory("index.html");
  }
  if (!file) return std::nullopt;
  api::Response res;
  if (if_none_match && !file->etag.empty() && etag_matches(*if_none_match, file->etag)) {
    res.status = 304;
  } else {
    res.shared_body = file->body;
    res.set_header("Content-Type", file->content_type);
  }
  if (!file->etag.empty()) res.set_header("ETag", file->etag);
  res.set_header("Cache-Control", file->cache_control);
  return std::move(res.with_route("static"));
}

std::optional<fs::path> StaticFiles::resolve(std::string_view decoded_path) const {
  bool last_has_dot = false;
  auto key = relative_key(decoded_path, last_has_dot);
  if (!key) return std::nullopt;
  fs::path rel(*key);
  fs::path index = root_ / "index.html";
  if (rel.empty()) return is_regular(index) ? std::optional(index) : std::nullopt;
  std::error_code ec;
  fs::path candidate = fs::weakly_canonical(root_ / rel, ec);
  if (ec || !within(root_, candidate)) return std::nullopt;
  if (is_regular(candidate)) return candidate;
  if (fs::is_directory(candidate, ec) && is_regular(candidate / "index.html")) {
    return candidate / "index.html";
  }
  // An app route (/e/K7QX9P) is rendered by the single-page app; a missing asset is a 404.
  if (!last_has_dot && is_regular(index)) return index;
  return std::nullopt;
}

std::optional<api::Response> StaticFiles::lookup(std::string_view decoded_path) const {
  auto path = resolve(decoded_path);
  if (!path) return std::nullopt;
  std::string type(content_type_for(*path));
  std::string cache = cache_control_for(type);
  api::FileBody file{*path, std::move(type), file_etag(*path), std::move(cache)};
  return api::Response::send_file(std::move(file)).with_route("static");
}

}  // namespace findme::http
