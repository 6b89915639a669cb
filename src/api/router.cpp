#include "api/router.h"

namespace findme::api {
namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) out.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool is_placeholder(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool match(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
           PathParams* params) {
  if (pattern.size() != path.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (is_placeholder(pattern[i])) {
      if (params != nullptr) params->add(pattern[i].substr(1, pattern[i].size() - 2), path[i]);
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string_view PathParams::operator[](std::string_view name) const {
  for (const auto& [n, v] : values_) {
    if (n == name) return v;
  }
  return {};
}

void Router::add(std::string_view route, RouteFn fn) {
  const std::size_t space = route.find(' ');
  Route r;
  r.method = std::string(route.substr(0, space));
  r.path_template = std::string(route.substr(space + 1));
  r.segments = split_path(r.path_template);
  r.fn = std::move(fn);
  routes_.push_back(std::move(r));
}

Response Router::dispatch(const Request& request) const {
  const std::vector<std::string> path = split_path(request.path);
  std::string allowed;
  for (const Route& route : routes_) {
    if (!match(route.segments, path, nullptr)) continue;
    if (route.method != request.method && !(request.method == "HEAD" && route.method == "GET")) {
      allowed += allowed.empty() ? route.method : ", " + route.method;
      continue;
    }
    PathParams params;
    match(route.segments, path, &params);
    Response response = route.fn(request, params);
    response.route = route.path_template;
    return response;
  }
  if (!allowed.empty()) {
    return Response::error(405, "invalid_request", "this path does not accept " + request.method)
        .set_header("Allow", allowed);
  }
  return Response::error(404, "not_found", "no such endpoint; see the API reference");
}

}  // namespace findme::api
