#include "api/json_mapping.h"

#include <gtest/gtest.h>

namespace findme::api {
namespace {

TEST(JsonMappingTest, TimesAreRfc3339Utc) {
  const Timestamp t = timestamp_from_ms(1'764'093'846'123);  // 2025-11-25T18:04:06.123Z
  EXPECT_EQ(format_time(t), "2025-11-25T18:04:06.123Z");
  EXPECT_EQ(parse_time("2025-11-25T18:04:06.123Z"), t);
  EXPECT_EQ(parse_time("2025-11-25T19:04:06.123+01:00"), t);
  EXPECT_EQ(parse_time("2025-11-25T18:04:06Z"), timestamp_from_ms(1'764'093'846'000));
}

TEST(JsonMappingTest, MalformedTimesAreRefused) {
  for (const char* bad :
       {"", "2025-11-25", "2025-13-01T00:00:00Z", "2025-02-30T00:00:00Z", "2025-11-25T18:04:06",
        "2025-11-25T25:00:00Z", "2025-11-25T18:04:06.Z", "2025-11-25T18:04:06Zjunk"}) {
    EXPECT_FALSE(parse_time(bad).has_value()) << bad;
  }
}

TEST(JsonMappingTest, WireIdsRoundTripAndRejectJunk) {
  EXPECT_EQ(wire_id(PhotoId{42}), "42");
  EXPECT_EQ(parse_wire_id("42"), 42);
  for (const char* bad : {"", "0", "-1", "4x", " 4", "99999999999999999999"}) {
    EXPECT_FALSE(parse_wire_id(bad).has_value()) << bad;
  }
}

TEST(JsonMappingTest, JobJsonShowsErrorsOnlyForFailedJobs) {
  Job job;
  job.id = JobId{7};
  job.kind = JobKind::match_selfie;
  job.status = JobStatus::done;
  job.result = R"({"matches": 3})";
  nlohmann::json done = job_json(job);
  EXPECT_EQ(done["id"], "7");
  EXPECT_EQ(done["kind"], "match_selfie");
  EXPECT_TRUE(done["error"].is_null());
  EXPECT_EQ(done["result"]["matches"], 3);

  job.status = JobStatus::failed;
  job.error_code = "no_face_found";
  job.error_message = "no face";
  job.result.clear();
  nlohmann::json failed = job_json(job);
  EXPECT_EQ(failed["error"]["code"], "no_face_found");
  EXPECT_TRUE(failed["result"].is_null());
}

}  // namespace
}  // namespace findme::api
