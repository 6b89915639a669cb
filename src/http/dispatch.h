// Internal to http/: decides who answers a parsed request (static files or the api::Handler)
// and carries out a handler's async waits (api::WaitFor) without holding a pool thread.
#pragma once

#include <string_view>
#include <utility>  // before Asio (Boost 1.74)

#include <boost/asio/awaitable.hpp>

#include "api/request.h"
#include "api/response.h"
#include "http/server_state.h"

namespace findme::http {

// True for paths the handler owns even on GET: /api..., /healthz, /readyz, /metrics, /aws.
bool is_handler_path(std::string_view path);

// Runs on the connection's strand. Never throws: a handler exception becomes 500 internal.
// The returned response never has `wait` set.
boost::asio::awaitable<api::Response> respond(Server::State& st, Connection& c, api::Request& req);

}  // namespace findme::http
