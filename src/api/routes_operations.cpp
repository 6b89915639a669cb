#include "api/request_helpers.h"
#include "api/routes.h"

namespace findme::api {

void add_operation_routes(Router& router, const ApiContext& c) {
  // GET /healthz is answered by the HTTP layer itself, on the I/O thread (http/dispatch.cpp).

  // Ready when this process has its face models and its database answers (decision 18). The
  // models are loaded before the server listens, so only the database is left to ask.
  router.add("GET /readyz", [&c](const Request&, const PathParams&) {
    if (Result<void> ping = c.store.ping(); !ping) {
      return Response::error(503, "unavailable", "the database is not reachable");
    }
    nlohmann::json body{{"status", "ready"}};
    if (c.data_dir_free_bytes) {
      if (const std::optional<std::uintmax_t> free = c.data_dir_free_bytes()) {
        body["data_dir_free_bytes"] = *free;
      }
    }
    return Response::json(200, body);
  });

  router.add("GET /metrics", [&c](const Request&, const PathParams&) {
    return Response::text(200, c.metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace findme::api
