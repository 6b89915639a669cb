// findme's HTTP API (../shared/API.md) as a socket-free Handler: routing, authentication, JSON
// mapping and the Errc -> status table. http/ runs it on its blocking pool.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "api/handler.h"
#include "api/public_event_cache.h"
#include "api/router.h"
#include "domain/access_keys.h"
#include "domain/accounts.h"
#include "domain/attendees.h"
#include "domain/events.h"
#include "domain/gallery.h"
#include "domain/housekeeping.h"
#include "domain/photos.h"
#include "metrics/registry.h"
#include "store/store.h"

namespace findme::api {

// Everything the handlers call; all referenced objects must outlive the Api.
struct ApiContext {
  domain::Accounts& accounts;
  domain::Events& events;
  domain::Photos& photos;
  domain::Attendees& attendees;
  domain::Gallery& gallery;
  store::Store& store;
  metrics::Registry& metrics;
  // /readyz reports it (DATA_DIR's free bytes; empty or nullopt: not reported).
  std::function<std::optional<std::uintmax_t>()> data_dir_free_bytes;
  // Purges expired tokens and Idempotency-Key answers now and then; null: never.
  domain::Housekeeping* housekeeping = nullptr;
  // The Rekognition-compatible API: access keys under /api/access-keys, and the handler of
  // POST /aws/ (aws::RekognitionApi). Null: neither is served.
  domain::AccessKeys* access_keys = nullptr;
  Handler* aws = nullptr;
  // Set by Api to its own cache: the event routes fill it.
  PublicEventCache* public_events = nullptr;
};

// Thread-safe: handle() is called concurrently from the blocking pool, handle_from_memory() from
// the I/O threads.
class Api final : public Handler {
 public:
  explicit Api(ApiContext context);
  Response handle(const Request& request) override;
  // GET /api/events/{code} from PublicEventCache.
  std::optional<Response> handle_from_memory(const Request& request) override;

 private:
  PublicEventCache public_events_;
  ApiContext context_;
  Router router_;
};

}  // namespace findme::api
