#include "config/settings.h"

#include <map>

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

namespace findme::config {
namespace {

Environment fake_environment(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

TEST(SettingsTest, DefaultsFollowTheContract) {
  Result<Settings> s = settings_from_environment(fake_environment({}));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->host, "127.0.0.1");
  EXPECT_EQ(s->port, 8080);
  EXPECT_EQ(s->database_url, "sqlite:./data/findme.db");
  EXPECT_EQ(s->data_dir, "./data");
  EXPECT_EQ(s->max_upload_mb, 25);
  EXPECT_EQ(s->max_image_pixels, 50'000'000);
  EXPECT_FALSE(s->match_threshold.has_value());
  EXPECT_EQ(s->detector, "ssd");
}

TEST(SettingsTest, LandmarksComeFromEnvironmentOrFlagAndMustBeKnown) {
  Result<Settings> defaults = settings_from_environment(fake_environment({}));
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_EQ(defaults->landmarks, "net68");
  Result<Settings> s = settings_from_environment(fake_environment({{"LANDMARKS", "dlib68"}}));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->landmarks, "dlib68");
  CLI::App app;
  add_flags(app, *s);
  const char* argv[] = {"findme", "--landmarks", "net68"};
  app.parse(3, argv);
  EXPECT_EQ(s->landmarks, "net68");
  s->landmarks = "dlib5";
  Result<Settings> rejected = finalize(*s);
  ASSERT_FALSE(rejected);
  EXPECT_NE(rejected.error().message.find("LANDMARKS must be net68 or dlib68"), std::string::npos);
}

TEST(SettingsTest, DetectorComesFromEnvironmentOrFlagAndMustBeKnown) {
  Result<Settings> s = settings_from_environment(fake_environment({{"DETECTOR", "hog"}}));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->detector, "hog");
  CLI::App app;
  add_flags(app, *s);
  const char* argv[] = {"findme", "--detector", "ssd"};
  app.parse(3, argv);
  EXPECT_EQ(s->detector, "ssd");
  EXPECT_TRUE(finalize(*s));

  s->detector = "cnn";
  Result<Settings> rejected = finalize(*s);
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().code, Errc::invalid_request);
  EXPECT_NE(rejected.error().message.find("DETECTOR must be ssd or hog"), std::string::npos);
}

TEST(SettingsTest, EnvironmentOverridesDefaults) {
  Result<Settings> s = settings_from_environment(fake_environment({{"PORT", "9090"},
                                                                   {"HOST", "0.0.0.0"},
                                                                   {"MATCH_THRESHOLD", "0.55"},
                                                                   {"HTTP_THREADS", "3"},
                                                                   {"MAX_CONNECTIONS", "500"},
                                                                   {"MAX_QUEUE_WAIT_S", "0"}}));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->max_connections, 500);
  EXPECT_EQ(s->max_queue_wait_s, 0);
  EXPECT_EQ(s->port, 9090);
  EXPECT_EQ(s->host, "0.0.0.0");
  EXPECT_EQ(s->http_threads, 3);
  ASSERT_TRUE(s->match_threshold.has_value());
  EXPECT_FLOAT_EQ(*s->match_threshold, 0.55f);
}

TEST(SettingsTest, GarbageNumberNamesTheVariable) {
  Result<Settings> s = settings_from_environment(fake_environment({{"PORT", "80x"}}));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Errc::invalid_request);
  EXPECT_NE(s.error().message.find("PORT"), std::string::npos);
}

TEST(SettingsTest, FlagsOverrideEnvironment) {
  Result<Settings> s = settings_from_environment(fake_environment({{"PORT", "9090"}}));
  ASSERT_TRUE(s);
  CLI::App app;
  add_flags(app, *s);
  const char* argv[] = {"findme", "--port", "7070"};
  app.parse(3, argv);
  EXPECT_EQ(s->port, 7070);
}

TEST(SettingsTest, FinalizeFillsCoreCountsAndRejectsNonsense) {
  Result<Settings> s = finalize(Settings{});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_GE(s->http_threads, 1);
  EXPECT_GE(s->matching_threads, 1);
  EXPECT_GE(s->db_pool_size, 1);

  Settings few;
  few.max_connections = 3;  // under 16: the cap would refuse the operator's own checks
  Result<Settings> too_few = finalize(few);
  ASSERT_FALSE(too_few);
  EXPECT_NE(too_few.error().message.find("MAX_CONNECTIONS"), std::string::npos);

  Settings forever;
  forever.max_queue_wait_s = -1;
  Result<Settings> negative = finalize(forever);
  ASSERT_FALSE(negative);
  EXPECT_NE(negative.error().message.find("MAX_QUEUE_WAIT_S"), std::string::npos);

  Settings bad;
  bad.port = 70000;
  Result<Settings> rejected = finalize(bad);
  ASSERT_FALSE(rejected);
  EXPECT_NE(rejected.error().message.find("PORT"), std::string::npos);

  Settings bad_url;
  bad_url.database_url = "mysql://x";
  EXPECT_FALSE(finalize(bad_url));
}

}  // namespace
}  // namespace findme::config
