// clang-format off
#include "http/asio_config.h"  // before every other header: see there
// clang-format on
#include "http/server.h"

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http/test_client.h"

namespace findme::http {
namespace {

using testing::Client;
using testing::get;
using ::testing::HasSubstr;
using testing::post;
using ::testing::StartsWith;
using testing::TestServer;
using Json = nlohmann::json;

api::Response echo(const api::Request& r) {
  Json q = Json::object();
  for (const auto& [k, v] : r.query) q[k] = v;
  Json parts = Json::array();
  for (const auto& p : r.parts) {
    parts.push_back({{"name", p.name},
                     {"filename", p.filename.value_or("-")},
                     {"size", p.data.size()},
                     {"hash", std::hash<std::string_view>{}(p.data)}});
  }
  return api::Response::json(200, {{"method", r.method},
                                   {"path", r.path},
                                   {"query", q},
                                   {"body_size", r.body.size()},
                                   {"parts", parts},
                                   {"cookie", r.cookie("sid").value_or("")},
                                   {"agent", r.header("user-agent").value_or("")}})
      .with_route("/api/echo");
}

Json body_of(const testing::Reply& reply) { return Json::parse(reply.body()); }

TEST(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  TestServer ts(echo);
  Client client(ts.server.port());
  std::set<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto reply = client.request(get("/api/echo/a%20b?x=" + std::to_string(i) + "&y=%C3%A9+z",
                                    "User-Agent: gtest\r\nCookie: theme=dark; sid=\"abc\"\r\n"));
    ASSERT_EQ(reply.result_int(), 200u);
    EXPECT_TRUE(reply.keep_alive());
    Json body = body_of(reply);
    EXPECT_EQ(body["path"], "/api/echo/a b");
    EXPECT_EQ(body["query"]["x"], std::to_string(i));
    EXPECT_EQ(body["query"]["y"], "\xC3\xA9 z");
    EXPECT_EQ(body["cookie"], "abc");
    EXPECT_EQ(body["agent"], "gtest");
    ids.insert(std::string(reply["X-Request-Id"]));
  }
  EXPECT_EQ(ids.size(), 3u);
  auto rendered = [&](std::string_view text) {
    return testing::eventually(
        [&] { return ts.registry.render().find(text) != std::string::npos; });
  };
  EXPECT_TRUE(
      rendered("findme_http_requests_total{method=\"GET\",route=\"/api/echo\",status=\"2xx\"} 3"));
  EXPECT_TRUE(
      rendered("findme_http_request_duration_seconds_count{method=\"GET\",route=\"/api/echo\"} 3"));
}

TEST(ServerTest, OversizedBodyIs413AndReadingStops) {
  auto options = TestServer::quick_options();
  options.max_request_bytes = 1000;
  TestServer ts(echo, options);
  Client client(ts.server.port());
  // Only the header is sent: the server must answer from Content-Length alone.
  auto reply = client.request(
      "POST /api/echo HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nContent-Length: "
      "5000000\r\n\r\n");
  EXPECT_EQ(reply.result_int(), 413u);
  EXPECT_EQ(body_of(reply)["error"]["code"], "payload_too_large");
  EXPECT_FALSE(reply.keep_alive());
  EXPECT_TRUE(client.closed_by_server());

  Client chunked(ts.server.port());
  std::string chunk = "400\r\n" + std::string(1024, 'x') + "\r\n";
  chunked.send("POST /api/echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk +
               chunk);
  auto reply2 = chunked.read();
  EXPECT_EQ(reply2.result_int(), 413u);
  EXPECT_EQ(body_of(reply2)["error"]["code"], "payload_too_large");
}

TEST(ServerTest, MalformedMultipartIs400) {
  TestServer ts(echo);
  Client client(ts.server.port());
  auto reply = client.request(post("/api/echo", "multipart/form-data; boundary=b",
                                   "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nv"));
  ASSERT_EQ(reply.result_int(), 400u);
  Json body = body_of(reply);
  EXPECT_EQ(body["error"]["code"], "invalid_request");
  EXPECT_THAT(body["error"]["message"].get<std::string>(), StartsWith("malformed multipart body"));
  // The body was fully read, so the connection stays usable.
  EXPECT_EQ(client.request(get("/api/echo")).result_int(), 200u);
  auto no_boundary = client.request(post("/api/echo", "multipart/form-data", "x"));
  EXPECT_EQ(no_boundary.result_int(), 400u);
}

TEST(ServerTest, OversizedHeaderIs431) {
  TestServer ts(echo);
  Client client(ts.server.port());
  auto reply = client.request(get("/api/echo", "X-Big: " + std::string(20000, 'a') + "\r\n"));
  EXPECT_EQ(reply.result_int(), 431u);
  EXPECT_EQ(body_of(reply)["error"]["code"], "invalid_request");
}

TEST(ServerTest, ClientSendingHeadersTooSlowlyIsDisconnected) {
  auto options = TestServer::quick_options();
  options.header_timeout = std::chrono::milliseconds(200);
  TestServer ts(echo, options);
  Client client(ts.server.port());
  const std::string request = get("/api/echo", "X-Pad: " + std::string(200, 'p') + "\r\n");
  std::size_t sent = 0;
  // One byte every 20 ms would take over 4 s; the server must cut us off long before.
  for (; sent < request.size(); ++sent) {
    if (!client.send(request.substr(sent, 1))) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_LT(sent, request.size());
  EXPECT_TRUE(client.closed_by_server());
}

TEST(ServerTest, StalledBodyIsDisconnected) {
  auto options = TestServer::quick_options();
  options.body_idle_timeout = std::chrono::milliseconds(150);
  std::atomic<int> calls{0};
  TestServer ts(
      [&](const api::Request& r) {
        ++calls;
        return echo(r);
      },
      options);
  Client client(ts.server.port());
  client.send("POST /api/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n0123456789");
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_EQ(calls.load(), 0);
}

TEST(ServerTest, StalledSpooledBodyIsDisconnected) {
  auto options = TestServer::quick_options();
  options.body_idle_timeout = std::chrono::milliseconds(150);
  options.spool_threshold_bytes = 16;  // this body goes to disk
  std::atomic<int> calls{0};
  TestServer ts(
      [&](const api::Request& r) {
        ++calls;
        return echo(r);
      },
      options);
  Client client(ts.server.port());
  client.send("POST /api/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n" +
              std::string(5000, 'a'));
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_EQ(calls.load(), 0);
}

// A byte every 20 ms never leaves a gap over body_idle_timeout, but 50 B/s is under the
// minimum rate: the server cuts the client off soon after the first idle period.
TEST(ServerTest, BodyTrickledUnderTheMinimumRateIsDisconnected) {
  for (const std::size_t spool_threshold : {std::size_t{1} << 20, std::size_t{16}}) {
    auto options = TestServer::quick_options();
    options.body_idle_timeout = std::chrono::milliseconds(300);
    options.min_body_bytes_per_second = 1000;
    options.spool_threshold_bytes = spool_threshold;  // in memory, then spooled to disk
    std::atomic<int> calls{0};
    TestServer ts(
        [&](const api::Request& r) {
          ++calls;
          return echo(r);
        },
        options);
    Client client(ts.server.port());
    ASSERT_TRUE(client.send("POST /api/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 200\r\n\r\n"));
    const auto start = std::chrono::steady_clock::now();
    std::size_t sent = 0;
    for (; sent < 200; ++sent) {  // 4 s at this pace
      if (!client.send("a")) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_LT(sent, 200U) << "spool threshold " << spool_threshold;
    EXPECT_TRUE(client.closed_by_server());
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
    EXPECT_EQ(calls.load(), 0);
  }
}

// A slow but steady body (2 kB/s, over the 1 kB/s minimum) is read to the end.
TEST(ServerTest, SlowButSteadyBodyIsAccepted) {
  auto options = TestServer::quick_options();
  options.body_idle_timeout = std::chrono::milliseconds(300);
  options.min_body_bytes_per_second = 1000;
  TestServer ts(echo, options);
  Client client(ts.server.port());
  ASSERT_TRUE(client.send("POST /api/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2000\r\n\r\n"));
  for (int i = 0; i < 20; ++i) {  // 100 bytes every 50 ms: 1 s in all
    ASSERT_TRUE(client.send(std::string(100, 'b')));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto reply = client.read();
  EXPECT_EQ(reply.result_int(), 200u);
}

TEST(ServerTest, TwoHundredConcurrentRequestsAreAllAnswered) {
  TestServer ts(echo);
  std::vector<std::unique_ptr<Client>> clients;
  clients.reserve(200);
  for (int i = 0; i < 200; ++i) clients.push_back(std::make_unique<Client>(ts.server.port()));
  for (int i = 0; i < 200; ++i) {
    clients[static_cast<std::size_t>(i)]->send(get("/api/echo?i=" + std::to_string(i)));
  }
  for (int i = 0; i < 200; ++i) {
    auto reply = clients[static_cast<std::size_t>(i)]->read();
    ASSERT_EQ(reply.result_int(), 200u);
    EXPECT_EQ(body_of(reply)["query"]["i"], std::to_string(i));
  }
}

TEST(ServerTest, ConnectionsOverTheCapAreTold503) {
  auto options = TestServer::quick_options();
  options.max_connections = 1;
  TestServer ts(echo, options);
  Client first(ts.server.port());
  ASSERT_EQ(first.request(get("/api/echo")).result_int(), 200u);
  Client second(ts.server.port());
  auto reply = second.read();
  EXPECT_EQ(reply.result_int(), 503u);
  EXPECT_EQ(body_of(reply)["error"]["code"], "unavailable");
}

TEST(ServerTest, HandlerThatThrowsGives500InContractShape) {
  TestServer ts([](const api::Request&) -> api::Response { throw std::runtime_error("db gone"); });
  Client client(ts.server.port());
  auto reply = client.request(get("/api/boom"));
  ASSERT_EQ(reply.result_int(), 500u);
  Json body = body_of(reply);
  EXPECT_EQ(body["error"]["code"], "internal");
  EXPECT_THAT(body["error"]["message"].get<std::string>(), ::testing::Not(HasSubstr("db gone")));
  EXPECT_EQ(client.request(get("/api/boom")).result_int(), 500u);  // connection still usable
}

TEST(ServerTest, GracefulShutdownFinishesTheInFlightRequest) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  TestServer ts([&](const api::Request& r) {
    if (r.path == "/healthz") return api::Response::json(200, {{"status", "ok"}});
    entered.set_value();
    released.wait();
    return api::Response::json(200, {{"ok", true}});
  });
  Client busy(ts.server.port());
  Client idle(ts.server.port());
  ASSERT_EQ(idle.request(get("/healthz")).result_int(), 200u);
  busy.send(get("/api/slow"));
  entered.get_future().wait();
  std::thread stopper([&] { ts.server.stop(); });
  EXPECT_TRUE(idle.closed_by_server());  // idle keep-alive connections close at once
  release.set_value();
  auto reply = busy.read();
  EXPECT_EQ(reply.result_int(), 200u);
  EXPECT_FALSE(reply.keep_alive());
  stopper.join();
  EXPECT_THROW(Client late(ts.server.port()), boost::system::system_error);
}

// /healthz is answered on the I/O thread: it stays fast when every handler thread is taken.
TEST(ServerTest, HealthzAnswersWhileEveryHandlerThreadIsBusy) {
  std::atomic<int> entered{0};
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> healthz_reached_handler{false};
  TestServer ts([&](const api::Request& r) {
    if (r.path == "/healthz") healthz_reached_handler = true;
    ++entered;
    released.wait();
    return api::Response::json(200, {{"ok", true}});
  });
  Client slow1(ts.server.port());
  Client slow2(ts.server.port());
  slow1.send(get("/api/slow"));  // quick_options: two read handler threads, both taken
  slow2.send(get("/api/slow"));
  while (entered.load() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  Client probe(ts.server.port());
  auto health = probe.request(get("/healthz"));
  EXPECT_EQ(health.result_int(), 200u);
  EXPECT_EQ(body_of(health)["status"], "ok");
  EXPECT_FALSE(std::string(health["X-Request-Id"]).empty());
  EXPECT_FALSE(healthz_reached_handler.load());
  release.set_value();
  EXPECT_EQ(slow1.read().result_int(), 200u);
  EXPECT_EQ(slow2.read().result_int(), 200u);
}

// Admission control: a write that would wait longer than max_queue_wait for a handler thread is
// told 503 with Retry-After at once; the accepted ones and every read are still served.
TEST(ServerTest, WritesThatWouldWaitTooLongAreRefusedWithRetryAfter) {
  using std::chrono::milliseconds;
  std::atomic<int> entered{0};
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  ServerOptions options = TestServer::quick_options();
  options.write_threads = 1;
  options.max_queue_wait = milliseconds(50);
  TestServer ts(
      [&](const api::Request& r) {
        if (r.path == "/api/measure") {
          std::this_thread::sleep_for(milliseconds(100));  // the lane's run time: ~100 ms
        } else if (r.path == "/api/block") {
          ++entered;
          released.wait();
        }
        return api::Response::json(200, {{"ok", true}});
      },
      options);
  Client first(ts.server.port());
  ASSERT_EQ(first.request(post("/api/measure", "text/plain", "")).result_int(), 200u);
  first.send(post("/api/block", "text/plain", ""));  // takes the one write thread
  while (entered.load() < 1) std::this_thread::sleep_for(milliseconds(1));
  Client queued(ts.server.port());
  queued.send(
      post("/api/measure", "text/plain", ""));  // waits ~0 s: nothing ahead of it in the queue
  ASSERT_TRUE(testing::eventually([&] {
    return ts.registry.render().find("findme_http_blocking_pool_queued{pool=\"write\"} 1") !=
           std::string::npos;
  }));

  Client refused(ts.server.port());
  auto busy =
      refused.request(post("/api/measure", "text/plain", ""));  // would wait ~100 ms > 50 ms
  Client reader(ts.server.port());
  auto read = reader.request(get("/api/anything"));

  EXPECT_EQ(busy.result_int(), 503u);
  EXPECT_EQ(body_of(busy)["error"]["code"], "unavailable");
  EXPECT_THAT(std::string(body_of(busy)["error"]["message"]), HasSubstr("busy"));
  EXPECT_EQ(std::string(busy["Retry-After"]), "1");
  EXPECT_EQ(read.result_int(), 200u);  // reads have their own lane and are never refused
  EXPECT_THAT(ts.registry.render(), HasSubstr("findme_http_refused_requests_total 1"));
  release.set_value();
  EXPECT_EQ(first.read().result_int(), 200u);
  EXPECT_EQ(queued.read().result_int(), 200u);
  EXPECT_EQ(refused.request(post("/api/measure", "text/plain", "")).result_int(),
            200u);  // queue worked off
}

TEST(ServerTest, PortInUseIsAClearStartupError) {
  TestServer ts(echo);
  auto options = TestServer::quick_options();
  options.port = ts.server.port();
  testing::FakeHandler handler(echo);
  Notifier notifier;
  Server second(options, handler, notifier, nullptr);
  Result<void> started = second.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, Errc::unavailable);
  EXPECT_THAT(started.error().message, HasSubstr(std::to_string(ts.server.port())));
}

}  // namespace
}  // namespace findme::http
