// Method + path-template routing, e.g. "GET /api/events/{code}/photos".
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/request.h"
#include "api/response.h"

namespace findme::api {

// Values of a template's {placeholders}, by name.
class PathParams {
 public:
  void add(std::string name, std::string value) {
    values_.emplace_back(std::move(name), std::move(value));
  }
  // The value of {name}; empty when the template has no such placeholder.
  std::string_view operator[](std::string_view name) const;

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

using RouteFn = std::function<Response(const Request&, const PathParams&)>;

// Build once, then thread-safe for dispatch (read-only).
class Router {
 public:
  // `route` is "METHOD /path/{param}/..."; a placeholder matches one non-empty segment.
  void add(std::string_view route, RouteFn fn);

  // The matching route's response, with Response::route set to its template. No route for the
  // path: 404 not_found; a route for the path but not the method: 405 with Allow.
  Response dispatch(const Request& request) const;

 private:
  struct Route {
    std::string method;
    std::string path_template;
    std::vector<std::string> segments;
    RouteFn fn;
  };
  std::vector<Route> routes_;
};

}  // namespace findme::api
