// A client that pipelines requests and never reads the answers (issue #12): the server computes
// a few answers, not megabytes of them, and drops the connection after write_idle_timeout.
// clang-format off
#include "http/asio_config.h"  // before every other header: see there
// clang-format on
#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "http/server.h"
#include "http/test_client.h"

namespace findme::http {
namespace {

using testing::Client;
using testing::get;
using testing::TestServer;

TEST(ServerBackpressureTest, AClientThatNeverReadsGetsOnlyAFewAnswersComputed) {
  auto options = TestServer::quick_options();
  options.write_idle_timeout = std::chrono::milliseconds(1000);
  std::atomic<int> answered{0};
  const std::string big(std::size_t{32} * 1024, 'x');  // 500 of them would be 16 MB
  TestServer ts(
      [&](const api::Request&) {
        ++answered;
        return api::Response::text(200, big, "text/plain");
      },
      options);
  Client reader(ts.server.port());
  std::string pipelined;
  for (int i = 0; i < 500; ++i) pipelined += get("/api/big");
  ASSERT_TRUE(reader.send(pipelined));

  // The kernel takes what the client's receive buffer and max_unsent_bytes allow (~150 kB on
  // loopback); without the bound, the send buffer's autotuning let ~300 answers (10 MB) through.
  ASSERT_TRUE(testing::eventually([&] { return answered.load() >= 1; }));
  // The writer stalls there, and the connection is closed once write_idle_timeout passes.
  auto open_connections = [&] {
    return ts.registry.render().find("findme_http_connections 0") != std::string::npos;
  };
  for (int i = 0; i < 300 && !open_connections(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(open_connections());
  EXPECT_GE(answered.load(), 1);
  EXPECT_LE(answered.load(), 40);

  // Everyone else is served as usual meanwhile.
  Client normal(ts.server.port());
  EXPECT_EQ(normal.request(get("/api/big")).body().size(), big.size());
}

}  // namespace
}  // namespace findme::http
