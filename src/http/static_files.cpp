#include "http/static_files.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <system_error>
#include <utility>

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

StaticFiles::StaticFiles(const fs::path& root) : root_(fs::weakly_canonical(root)) {}

std::optional<fs::path> StaticFiles::resolve(std::string_view decoded_path) const {
  if (decoded_path.empty() || decoded_path.front() != '/') return std::nullopt;
  fs::path rel;
  std::string_view rest = decoded_path.substr(1);
  bool last_has_dot = false;
  while (!rest.empty()) {
    std::size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (seg.empty() && rest.empty()) break;  // one trailing slash
    if (!safe_segment(seg)) return std::nullopt;
    rel /= std::string(seg);
    last_has_dot = seg.find('.') != std::string_view::npos;
  }
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
  bool html = type.starts_with("text/html");
  api::FileBody file{*path, std::move(type), file_etag(*path),
                     html ? "no-cache" : "public, max-age=3600"};
  return api::Response::send_file(std::move(file)).with_route("static");
}

}  // namespace findme::http
