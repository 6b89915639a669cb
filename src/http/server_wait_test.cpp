// Async waits, static files and spooled uploads through a real server on a loopback port.
// clang-format off
#include "http/asio_config.h"  // before every other header: see there
// clang-format on
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http/server.h"
#include "http/test_client.h"

namespace findme::http {
namespace {

namespace fs = std::filesystem;
using testing::Client;
using testing::get;
using ::testing::HasSubstr;
using testing::post;
using testing::TestServer;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// GET /api/jobs/{id}?wait_ms=N, the way the jobs route uses WaitFor: answer when the job is
// done or the wait is over, otherwise ask to be called again.
struct JobsHandler {
  std::atomic<bool> done[3] = {false, false, false};

  api::Response operator()(const api::Request& r) {
    if (!r.path.starts_with("/api/jobs/")) return api::Response::json(200, {{"plain", true}});
    std::string id = r.path.substr(10);
    bool finished = done[std::stoi(id)].load();
    if (finished || r.wait_expired) {
      return api::Response::json(200, {{"id", id}, {"done", finished}})
          .with_route("/api/jobs/{id}");
    }
    auto wait = std::chrono::milliseconds(std::stoi(std::string(*r.query_param("wait_ms"))));
    return api::Response::wait_for("job:" + id, r.wait_deadline.value_or(Clock::now() + wait));
  }
};

void wait_until(const std::function<bool()>& condition) {
  ASSERT_TRUE(testing::eventually(condition));
}

TEST(ServerWaitTest, WaitsEndOnNotifyOrDeadlineWithoutHoldingPoolThreads) {
  JobsHandler jobs;
  auto options = TestServer::quick_options();
  options.blocking_threads = 1;  // a waiting request holding the only thread would starve others
  TestServer ts([&](const api::Request& r) { return jobs(r); }, options);
  Client notified(ts.server.port());
  Client timed_out(ts.server.port());
  Client plain(ts.server.port());
  notified.send(get("/api/jobs/1?wait_ms=20000"));
  timed_out.send(get("/api/jobs/2?wait_ms=300"));
  wait_until([&] { return ts.notifier.subscriber_count() == 2; });

  auto plain_reply = plain.request(get("/api/other"));
  EXPECT_EQ(plain_reply.result_int(), 200u);
  EXPECT_EQ(ts.notifier.subscriber_count(), 2u);  // both still waiting, none holds the thread

  jobs.done[1] = true;
  std::thread domain([&] { ts.notifier.notify("job:1"); });  // as a worker thread would
  auto first = notified.read();
  domain.join();
  EXPECT_EQ(Json::parse(first.body())["done"], true);

  auto second = timed_out.read();
  EXPECT_EQ(Json::parse(second.body())["done"], false);
  EXPECT_TRUE(testing::eventually([&] {
    return ts.registry.render().find("findme_http_waiting_requests 0") != std::string::npos;
  }));
}

TEST(ServerWaitTest, NotifyBeforeTheWaitStartsIsNotLost) {
  JobsHandler jobs;
  std::atomic<bool> first_call{true};
  TestServer* server = nullptr;
  // The job finishes while the handler runs, i.e. after the handler saw "not done" but before
  // the server subscribed: the epoch read before the call must catch it.
  TestServer ts([&](const api::Request& r) {
    api::Response res = jobs(r);
    if (first_call.exchange(false)) {
      jobs.done[1] = true;
      server->notifier.notify("job:1");
    }
    return res;
  });
  server = &ts;
  Client client(ts.server.port());
  auto reply = client.request(get("/api/jobs/1?wait_ms=20000"));
  EXPECT_EQ(Json::parse(reply.body())["done"], true);
}

TEST(ServerWaitTest, ShutdownEndsWaitsEarly) {
  JobsHandler jobs;
  TestServer ts([&](const api::Request& r) { return jobs(r); });
  Client client(ts.server.port());
  client.send(get("/api/jobs/1?wait_ms=20000"));
  wait_until([&] { return ts.notifier.subscriber_count() == 1; });
  std::thread stopper([&] { ts.server.stop(); });
  auto reply = client.read();
  stopper.join();
  EXPECT_EQ(Json::parse(reply.body())["done"], false);
}

class StaticFilesServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("findme-web-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::create_directories(root_ / "web" / "assets");
    std::ofstream(root_ / "web" / "index.html") << "<html>app</html>";
    std::ofstream(root_ / "web" / "assets" / "app.js") << "console.log(1)";
    std::ofstream(root_ / "secret.txt") << "top secret";
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(StaticFilesServerTest, ServesFilesWithTypesEtagsAndAppRouteFallback) {
  auto options = TestServer::quick_options();
  options.web_dir = root_ / "web";
  TestServer ts(
      [](const api::Request&) {
        return api::Response::json(200, {{"api", true}});
      },
      options);
  Client client(ts.server.port());
  auto index = client.request(get("/"));
  EXPECT_EQ(index.body(), "<html>app</html>");
  EXPECT_EQ(index["Content-Type"], "text/html; charset=utf-8");
  EXPECT_EQ(index["Cache-Control"], "no-cache");
  EXPECT_EQ(client.request(get("/e/K7QX9P")).body(), "<html>app</html>");
  auto js = client.request(get("/assets/app.js"));
  EXPECT_EQ(js.body(), "console.log(1)");
  EXPECT_EQ(js["Content-Type"], "text/javascript; charset=utf-8");
  std::string etag(js["ETag"]);
  ASSERT_FALSE(etag.empty());
  auto cached = client.request(get("/assets/app.js", "If-None-Match: " + etag + "\r\n"));
  EXPECT_EQ(cached.result_int(), 304u);
  EXPECT_TRUE(cached.body().empty());
  EXPECT_EQ(client.request(get("/assets/missing.js")).result_int(), 404u);
  EXPECT_EQ(Json::parse(client.request(get("/api/anything")).body())["api"], true);
  EXPECT_EQ(Json::parse(client.request(get("/readyz")).body())["api"], true);
}

TEST_F(StaticFilesServerTest, FilesHeldInMemoryAndFilesOnlyOnDiskAnswerAlike) {
  std::ofstream(root_ / "web" / "assets" / "big.bin") << std::string((1 << 20) + 1, 'b');
  auto options = TestServer::quick_options();
  options.web_dir = root_ / "web";
  TestServer ts([](const api::Request&) { return api::Response::json(200, {}); }, options);
  std::ofstream(root_ / "web" / "assets" / "later.css") << "p{}";  // after start: on disk only
  Client client(ts.server.port());
  for (std::string target : {"/assets/app.js", "/assets/big.bin", "/assets/later.css"}) {
    auto reply = client.request(get(target));
    EXPECT_EQ(reply.result_int(), 200u) << target;
    std::string etag(reply["ETag"]);
    ASSERT_FALSE(etag.empty()) << target;
    EXPECT_EQ(reply["Cache-Control"], "public, max-age=3600") << target;
    auto again = client.request(get(target, "If-None-Match: " + etag + "\r\n"));
    EXPECT_EQ(again.result_int(), 304u) << target;
    EXPECT_EQ(again["ETag"], etag) << target;
  }
  EXPECT_EQ(client.request(get("/assets/big.bin")).body().size(), (1u << 20) + 1);
  EXPECT_EQ(client.request(get("/assets/later.css")).body(), "p{}");
  EXPECT_EQ(client.request(get("/assets/app.js")).body(), "console.log(1)");
}

TEST_F(StaticFilesServerTest, TraversalNeverEscapesTheWebDir) {
  auto options = TestServer::quick_options();
  options.web_dir = root_ / "web";
  TestServer ts([](const api::Request&) { return api::Response::json(200, {}); }, options);
  for (std::string target : {"/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt",
                             "/assets/%2E%2E/%2E%2E/secret.txt", "/..%5csecret.txt",
                             "/assets/app.js%00.html", "/./index.html", "//secret.txt"}) {
    Client client(ts.server.port());
    auto reply = client.request(get(target));
    EXPECT_NE(reply.body(), "top secret") << target;
    EXPECT_THAT(reply.result_int(), ::testing::AnyOf(400u, 404u)) << target;
  }
}

std::string multipart_body(int files, std::size_t size) {
  std::string body;
  for (int i = 0; i < files; ++i) {
    body += "--XyZ\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"p" +
            std::to_string(i) + ".jpg\"\r\nContent-Type: image/jpeg\r\n\r\n";
    for (std::size_t j = 0; j < size; ++j) {
      body += static_cast<char>((j * 31 + 7 * static_cast<std::size_t>(i)) % 256);
    }
    body += "\r\n";
  }
  return body +
         "--XyZ\r\nContent-Disposition: form-data; name=\"event_code\"\r\n\r\nK7\r\n--XyZ--\r\n";
}

TEST_F(StaticFilesServerTest, SpooledMultipartGivesTheSamePartsAsInMemory) {
  auto handler = [](const api::Request& r) {
    Json parts = Json::array();
    for (const auto& p : r.parts) {
      parts.push_back(
          {p.name, p.filename.value_or("-"), p.data.size(), std::hash<std::string_view>{}(p.data)});
    }
    return api::Response::json(200,
                               {{"parts", parts}, {"code", r.field("event_code").value_or("")}});
  };
  std::string body = multipart_body(3, 100'000);
  auto run = [&](std::size_t threshold) {
    auto options = TestServer::quick_options();
    options.spool_threshold_bytes = threshold;
    options.spool_dir = root_;
    TestServer ts(handler, options);
    Client client(ts.server.port());
    auto reply =
        client.request(post("/api/events/K7/photos", "multipart/form-data; boundary=XyZ", body));
    EXPECT_EQ(reply.result_int(), 200u);
    return Json::parse(reply.body());
  };
  Json in_memory = run(std::size_t{1} << 20);
  Json spooled = run(1024);
  EXPECT_EQ(in_memory["parts"].size(), 4u);
  EXPECT_EQ(in_memory["code"], "K7");
  EXPECT_EQ(in_memory, spooled);
  // Spool files are gone once the request is answered.
  EXPECT_EQ(std::distance(fs::directory_iterator(root_), fs::directory_iterator{}), 2);
}

}  // namespace
}  // namespace findme::http
