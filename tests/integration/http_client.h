// A small synchronous HTTP/1.1 client over loopback (Boost.Beast) for integration tests:
// JSON requests, hand-built multipart bodies, and raw bytes for malformed requests.
// Test-only and header-only. Not thread-safe: one client per thread.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <sys/time.h>

namespace findme::integration {

using nlohmann::json;

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
  // The body as JSON; a null json when it is not JSON.
  json json_body() const { return json::parse(body, nullptr, false); }
  // "status body" for assertion messages.
  std::string describe() const { return std::to_string(status) + " " + body.substr(0, 600); }
};

// A multipart/form-data body built by hand, so that tests control every byte.
class Multipart {
 public:
  Multipart() {
    std::mt19937_64 random(std::random_device{}());
    boundary_ = "----findme-it-" + std::to_string(random());
  }
  Multipart& field(std::string_view name, std::string_view value) {
    body_ += "--" + boundary_ + "\r\nContent-Disposition: form-data; name=\"" + std::string(name) +
             "\"\r\n\r\n" + std::string(value) + "\r\n";
    return *this;
  }
  Multipart& file(std::string_view name, std::string_view filename, std::string_view bytes,
                  std::string_view content_type = "image/jpeg") {
    body_ += "--" + boundary_ + "\r\nContent-Disposition: form-data; name=\"" + std::string(name) +
             "\"; filename=\"" + std::string(filename) +
             "\"\r\nContent-Type: " + std::string(content_type) + "\r\n\r\n" + std::string(bytes) +
             "\r\n";
    return *this;
  }
  // The complete body, closing delimiter included.
  std::string body() const { return body_ + "--" + boundary_ + "--\r\n"; }
  // The body without its closing delimiter (a malformed, truncated request).
  std::string body_without_close() const { return body_; }
  std::string content_type() const { return "multipart/form-data; boundary=" + boundary_; }

 private:
  std::string boundary_;
  std::string body_;
};

// One connection per request, so that a server closing after an error cannot affect the next.
class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port) : port_(port) {}

  void set_token(std::string token) { token_ = std::move(token); }
  const std::string& token() const { return token_; }

  HttpResponse get(const std::string& target, const std::vector<std::string>& headers = {}) const {
    return send("GET", target, "", "", headers);
  }
  HttpResponse del(const std::string& target) const { return send("DELETE", target, "", ""); }
  HttpResponse post_json(const std::string& target, const json& body) const {
    return send("POST", target, body.dump(), "application/json");
  }
  HttpResponse post_text(const std::string& target, const std::string& body,
                         const std::string& content_type) const {
    return send("POST", target, body, content_type);
  }
  HttpResponse post_multipart(const std::string& target, const Multipart& form) const {
    return send("POST", target, form.body(), form.content_type());
  }

  // A request with the client's bearer token (if any), Host and Content-Length added.
  HttpResponse send(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& content_type,
                    const std::vector<std::string>& headers = {}) const {
    std::string raw = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!token_.empty()) {
      raw += "Authorization: Bearer " + token_ + "\r\n";
    }
    if (!content_type.empty()) {
      raw += "Content-Type: " + content_type + "\r\n";
    }
    if (!body.empty() || method == "POST") {
      raw += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    for (const std::string& h : headers) {
      raw += h + "\r\n";
    }
    raw += "\r\n";
    raw += body;
    return raw_request(raw);
  }

  // Sends `raw` as is and reads one response. A response with status 0 and the error in `body`
  // means the connection failed or closed without a response.
  HttpResponse raw_request(std::string_view raw) const {
    namespace asio = boost::asio;
    namespace http = boost::beast::http;
    HttpResponse out;
    asio::io_context io;
    asio::ip::tcp::socket socket(io);
    boost::system::error_code ec;
    socket.connect({asio::ip::make_address("127.0.0.1"), port_}, ec);
    if (ec) {
      return failed("connect: " + ec.message());
    }
    // ?wait= holds a request up to 30 s; a server that hangs fails the test instead of the suite.
    timeval timeout{60, 0};
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    asio::write(socket, asio::buffer(raw), ec);
    // A server may answer (e.g. 413) and close before reading the whole body: still read.
    boost::beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::uint64_t{1} << 30);
    boost::system::error_code read_ec;
    http::read(socket, buffer, parser, read_ec);
    if (read_ec) {
      return failed("read: " + read_ec.message() + (ec ? ", write: " + ec.message() : ""));
    }
    auto& res = parser.get();
    out.status = static_cast<int>(res.result_int());
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (char& c : name) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      out.headers[name] = std::string(f.value());
    }
    out.body = std::move(res.body());
    return out;
  }

 private:
  static HttpResponse failed(std::string why) {
    HttpResponse r;
    r.body = std::move(why);
    return r;
  }

  std::uint16_t port_;
  std::string token_;
};

}  // namespace findme::integration
