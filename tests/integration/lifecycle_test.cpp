// The process itself: one stdout line when ready, operations endpoints, a clean exit on SIGTERM,
// and a one-line error with a non-zero exit for a bad setting.
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "integration/api_steps.h"
#include "integration/http_client.h"
#include "integration/server_process.h"

namespace findme::integration {
namespace {

TEST(LifecycleTest, ServesOperationsAndStopsCleanlyOnSigterm) {
  TestServer server;
  const HttpClient c(server.port());
  HttpResponse health = c.get("/healthz");
  EXPECT_EQ(health.status, 200) << health.describe();
  EXPECT_EQ(health.json_body()["status"], "ok");
  HttpResponse ready = c.get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.describe();
  EXPECT_GT(ready.json_body()["data_dir_free_bytes"].get<double>(), 0) << ready.describe();
  HttpResponse metrics = c.get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.header("content-type").rfind("text/plain", 0), 0u) << metrics.describe();
  EXPECT_NE(metrics.body.find("http_requests_total"), std::string::npos);
  EXPECT_NE(metrics.body.find("findme_data_dir_free_bytes "), std::string::npos) << metrics.body;
  EXPECT_FALSE(health.header("x-request-id").empty());

  const std::string port = std::to_string(server.port());
  EXPECT_EQ(server.stop(), 0) << server.log();
  // stdout carries the serving line only; logs belong on stderr.
  EXPECT_EQ(server.output(), "findme is serving on http://127.0.0.1:" + port + "\n");
}

TEST(LifecycleTest, BadSettingExitsNonZeroWithAClearMessage) {
  try {
    TestServer server(Env{{"MAX_UPLOAD_MB", "lots"}});
    ADD_FAILURE() << "the server started with MAX_UPLOAD_MB=lots";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("exited before serving"), std::string::npos) << what;
    EXPECT_NE(what.find("MAX_UPLOAD_MB"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace findme::integration
