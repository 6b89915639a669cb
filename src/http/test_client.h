// Test helpers for http/: a fake handler and a blocking loopback client. Test-only.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <sys/socket.h>
#include <sys/time.h>

#include "api/handler.h"
#include "core/notifier.h"
#include "http/server.h"
#include "metrics/registry.h"

namespace findme::http::testing {

using Reply = boost::beast::http::response<boost::beast::http::string_body>;

// Thread-safe if `fn` is.
class FakeHandler : public api::Handler {
 public:
  explicit FakeHandler(std::function<api::Response(const api::Request&)> fn) : fn_(std::move(fn)) {}
  api::Response handle(const api::Request& request) override { return fn_(request); }

 private:
  std::function<api::Response(const api::Request&)> fn_;
};

// A started server on 127.0.0.1, port 0, with short timeouts unless the test changes them.
struct TestServer {
  explicit TestServer(std::function<api::Response(const api::Request&)> fn,
                      ServerOptions options = quick_options())
      : handler(std::move(fn)), server(std::move(options), handler, notifier, &registry) {
    Result<void> started = server.start();
    if (!started) throw std::runtime_error(started.error().message);
  }
  static ServerOptions quick_options() {
    ServerOptions o;
    o.port = 0;
    o.io_threads = 2;
    o.blocking_threads = 2;
    o.header_timeout = std::chrono::milliseconds(2000);
    o.body_idle_timeout = std::chrono::milliseconds(2000);
    o.shutdown_grace = std::chrono::milliseconds(2000);
    return o;
  }

  Notifier notifier;
  metrics::Registry registry;
  FakeHandler handler;
  Server server;
};

// Blocking client; every read gives up after 5 s so a broken server fails the test, not hangs.
class Client {
 public:
  explicit Client(std::uint16_t port) : socket_(io_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    timeval tv{5, 0};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  // False when the server has closed the connection.
  bool send(std::string_view raw) {
    boost::system::error_code ec;
    boost::asio::write(socket_, boost::asio::buffer(raw), ec);
    return !ec;
  }
  Reply read() {
    Reply reply;
    boost::beast::http::response_parser<boost::beast::http::string_body> parser;
    parser.body_limit(std::uint64_t{1} << 30);
    boost::beast::http::read(socket_, buffer_, parser);
    return parser.release();
  }
  // True when the server closed the connection (EOF or reset) without sending anything more.
  bool closed_by_server() {
    char c;
    boost::system::error_code ec;
    std::size_t n = socket_.read_some(boost::asio::buffer(&c, 1), ec);
    return n == 0 && (ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset);
  }
  Reply request(std::string_view raw) {
    send(raw);
    return read();
  }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

// Polls `condition` for up to a second (for effects that land just after a reply is read, such
// as metrics recorded once the last byte is written).
inline bool eventually(const std::function<bool()>& condition) {
  for (int i = 0; i < 500 && !condition(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return condition();
}

inline std::string get(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: t\r\n" + std::string(extra_headers) +
         "\r\n";
}

inline std::string post(std::string_view target, std::string_view content_type,
                        std::string_view body) {
  return "POST " + std::string(target) +
         " HTTP/1.1\r\nHost: t\r\nContent-Type: " + std::string(content_type) +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

}  // namespace findme::http::testing
