// Two findme processes on one PostgreSQL database and one DATA_DIR: a bulk import through both
// at once indexes every photo exactly once, a process killed mid-way leaves its jobs to the
// other (after their lease), and a process's embedding cache sees faces the other indexed.
#include <atomic>
#include <set>
#include <thread>

#include "multiprocess/multiprocess_steps.h"

namespace findme::integration {
namespace {

// One worker per process so that both queue up work; a short lease so that the killed
// process's job is taken over within seconds (long enough for a half-size photo under ASan on a
// busy machine).
Env two_process_env() {
  return {{"MATCHING_THREAD_POOL_SIZE", "1"}, {"JOB_LEASE_SECONDS", "15"}, {"DB_POOL_SIZE", "3"}};
}

// sample6's woman (see integration/journey_test.cpp), cut from the full-size photo.
constexpr Region kSelfieRegion{1324, 203, 452, 452};

TEST(TwoProcessesTest, BulkImportThroughBothIndexesEveryPhotoOnceAndSurvivesAKill) {
  store::postgres::testing::TestDatabase db;
  Cluster cluster(db.url(), two_process_env());
  const std::size_t a = cluster.start();
  const std::size_t b = cluster.start();
  HttpClient via_a = sign_up_organizer(cluster.port(a), unique_email("organizer"));
  HttpClient via_b(cluster.port(b));
  via_b.set_token(via_a.token());  // sessions live in the shared database
  const std::string code = create_event(via_a, "Two Processes");

  // An attendee whose selfie match runs first, so that some process loads the event's
  // embedding cache while it is still empty.
  const std::string selfie = cut_jpeg(sample_bytes(6), kSelfieRegion, 70, true);
  Attendee early = register_attendee(cluster.port(b), code, unique_email("early"), selfie);
  ASSERT_TRUE(early.registration["match_job"].is_object()) << early.registration.dump();

  // The bulk import: six photos through each process at the same time.
  json uploaded_a;
  json uploaded_b;
  std::thread upload_a([&] { uploaded_a = upload_photos(via_a, code, half_size_samples("a-")); });
  std::thread upload_b([&] { uploaded_b = upload_photos(via_b, code, half_size_samples("b-")); });
  upload_a.join();
  upload_b.join();
  std::vector<std::string> jobs;
  for (const json* uploaded : {&uploaded_a, &uploaded_b}) {
    ASSERT_EQ((*uploaded)["photos"].size(), 6u) << uploaded->dump();
    for (const json& p : (*uploaded)["photos"]) jobs.push_back(p["job_id"].get<std::string>());
  }

  // Kill A once work is under way: whatever it was running is taken over by B.
  ASSERT_TRUE(eventually(
      [&] {
        for (const std::string& id : jobs) {
          if (job_now(via_b, id)["status"] == "done") return true;
        }
        return false;
      },
      std::chrono::milliseconds(100)));
  cluster.process(a).kill();

  const std::map<std::string, json> ended = wait_for_jobs(via_b, jobs);
  for (const auto& [id, job] : ended) EXPECT_EQ(job["status"], "done") << job.dump();

  // Exactly once: identical copies have identical face counts, and the event holds exactly the
  // faces its photos report (a job run twice replaces its faces instead of adding to them).
  std::map<std::string, int> faces;
  std::map<std::string, std::string> filename_of;  // photo id -> filename
  int total = 0;
  const json list = get_json(via_b, "/api/events/" + code + "/photos");
  ASSERT_EQ(list["photos"].size(), 12u) << list.dump();
  for (const json& p : list["photos"]) {
    EXPECT_EQ(p["status"], "indexed") << p.dump();
    faces[p["filename"].get<std::string>()] = p["face_count"].get<int>();
    filename_of[p["id"].get<std::string>()] = p["filename"].get<std::string>();
    total += p["face_count"].get<int>();
  }
  for (int n = 1; n <= 6; ++n) {
    const std::string name = "sample" + std::to_string(n);
    EXPECT_EQ(faces["a-" + name], faces["b-" + name]) << name;
  }
  const json stats = get_json(via_b, "/api/events/" + code + "/stats");
  EXPECT_EQ(stats["faces"], total) << stats.dump();
  EXPECT_EQ(stats["photos"]["indexed"], 12) << stats.dump();
  EXPECT_EQ(stats["queue_depth"], 0) << stats.dump();

  // A selfie matched now must see every face, whichever process indexed it: B's cache was
  // possibly loaded (empty) by the early match and must have learnt about A's photos.
  Attendee late = register_attendee(cluster.port(b), code, unique_email("late"), selfie);
  const std::string late_job = late.registration["match_job"]["id"].get<std::string>();
  const json late_done = wait_for_jobs(late.client, {late_job}).begin()->second;
  ASSERT_EQ(late_done["status"], "done") << late_done.dump();
  std::set<std::string> matched;
  const json gallery = get_json(late.client, "/api/my-photos?event_code=" + code);
  for (const json& p : gallery["photos"]) matched.insert(filename_of[p["id"].get<std::string>()]);
  EXPECT_EQ(matched, (std::set<std::string>{"a-sample6", "b-sample6"})) << late_done.dump() << "\n"
                                                                        << gallery.dump() << "\n"
                                                                        << cluster.logs();
  // No duplicate match: the stats count one match per (attendee, photo).
  const json after = get_json(via_b, "/api/events/" + code + "/stats");
  const json early_photos = get_json(early.client, "/api/my-photos?event_code=" + code);
  EXPECT_EQ(after["matches"].get<std::size_t>(), matched.size() + early_photos["photos"].size())
      << after.dump();
}

}  // namespace
}  // namespace findme::integration
