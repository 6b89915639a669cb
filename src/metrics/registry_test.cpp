#include "metrics/registry.h"

#include <stdexcept>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace findme::metrics {
namespace {

using ::testing::HasSubstr;

TEST(RegistryTest, CounterRendersHelpTypeAndLabels) {
  Registry registry;
  registry.counter("http_requests_total", "Requests served.", {{"method", "GET"}, {"code", "2xx"}})
      .inc();
  registry.counter("http_requests_total", "ignored", {{"method", "GET"}, {"code", "2xx"}}).inc(2);
  std::string text = registry.render();
  EXPECT_THAT(text, HasSubstr("# HELP http_requests_total Requests served.\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE http_requests_total counter\n"));
  EXPECT_THAT(text, HasSubstr("http_requests_total{method=\"GET\",code=\"2xx\"} 3\n"));
}

TEST(RegistryTest, LabelValuesAreEscaped) {
  Registry registry;
  registry.gauge("g", "help with \\ and\nnewline", {{"path", "a\"b\\c\nd"}}).set(1.5);
  std::string text = registry.render();
  EXPECT_THAT(text, HasSubstr("g{path=\"a\\\"b\\\\c\\nd\"} 1.5\n"));
  EXPECT_THAT(text, HasSubstr("# HELP g help with \\\\ and\\nnewline\n"));
}

TEST(RegistryTest, HistogramBucketsAreCumulative) {
  Registry registry;
  Histogram& h = registry.histogram("latency_seconds", "Latency.", {0.1, 1.0}, {{"route", "/x"}});
  h.observe(0.05);
  h.observe(0.1);  // le is inclusive
  h.observe(0.5);
  h.observe(7);
  std::string text = registry.render();
  EXPECT_THAT(text, HasSubstr("# TYPE latency_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_bucket{route=\"/x\",le=\"0.1\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_bucket{route=\"/x\",le=\"1\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_sum{route=\"/x\"} 7.65\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_count{route=\"/x\"} 4\n"));
}

TEST(RegistryTest, CallbackGaugeIsReadAtRenderTime) {
  Registry registry;
  int depth = 3;
  registry.callback_gauge("queue_depth", "Jobs waiting.", {}, [&] { return double(depth); });
  EXPECT_THAT(registry.render(), HasSubstr("queue_depth 3\n"));
  depth = 9;
  EXPECT_THAT(registry.render(), HasSubstr("queue_depth 9\n"));
}

TEST(RegistryTest, SameNameWithAnotherTypeIsAProgrammingError) {
  Registry registry;
  registry.counter("x", "x");
  EXPECT_THROW(registry.gauge("x", "x"), std::logic_error);
  EXPECT_THROW(registry.counter("bad name", "x"), std::logic_error);
  EXPECT_THROW(registry.counter("ok", "x", {{"bad-label", "v"}}), std::logic_error);
}

TEST(RegistryTest, ConcurrentUpdatesAreNotLost) {
  Registry registry;
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) {
        registry.counter("c", "c", {{"t", std::to_string(t % 2)}}).inc();
        registry.histogram("h", "h", {1.0}).observe(0.5);
      }
    });
  }
  std::thread scraper([&] {
    for (int i = 0; i < 20; ++i) (void)registry.render();
  });
  for (auto& t : threads) t.join();
  scraper.join();
  EXPECT_EQ(registry.counter("c", "c", {{"t", "0"}}).value(), 2000);
  EXPECT_EQ(registry.histogram("h", "h", {1.0}).count(), 4000u);
}

}  // namespace
}  // namespace findme::metrics
