// Route tables, one function per resource; each adds its routes to the router.
#pragma once

#include "api/api.h"
#include "api/router.h"

namespace findme::api {

void add_account_routes(Router& router, const ApiContext& context);
void add_event_routes(Router& router, const ApiContext& context);
void add_attendee_routes(Router& router, const ApiContext& context);
void add_candidate_routes(Router& router, const ApiContext& context);
void add_archive_routes(Router& router, const ApiContext& context);
void add_operation_routes(Router& router, const ApiContext& context);
void add_access_key_routes(Router& router, const ApiContext& context);

}  // namespace findme::api
