// Retries with one Idempotency-Key through two findme processes on one PostgreSQL database, some
// at the same time: the work is done once and every retry gets the first answer (docs/api.md,
// "Safe retries"). Without the key a retried upload would answer `duplicate: true` and a retried
// sign-up a new token, so equal answers show the key at work.
#include <set>
#include <thread>
#include <vector>

#include "multiprocess/multiprocess_steps.h"

namespace findme::integration {
namespace {

// Sends `send(port)` four times, alternately through each process, two at a time; a 429 (the
// first is still running) is retried. Returns the four final answers.
template <class Send>
std::vector<HttpResponse> four_retries(Cluster& cluster, std::size_t a, std::size_t b, Send send) {
  std::vector<HttpResponse> answers(4);
  for (std::size_t round = 0; round < 2; ++round) {
    std::vector<std::thread> pair;
    for (std::size_t i = round * 2; i < round * 2 + 2; ++i) {
      pair.emplace_back([&, i] {
        const std::uint16_t port = cluster.port(i % 2 == 0 ? a : b);
        answers[i] = send(port);
        for (int tries = 0; answers[i].status == 429 && tries < 100; ++tries) {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
          answers[i] = send(port);
        }
      });
    }
    for (std::thread& t : pair) t.join();
  }
  return answers;
}

TEST(IdempotencyAcrossProcessesTest, AnUploadAndASignUpRetriedWithOneKeyAreDoneOnce) {
  store::postgres::testing::TestDatabase db;
  Cluster cluster(db.url(), {{"MATCHING_THREAD_POOL_SIZE", "1"}, {"DB_POOL_SIZE", "3"}});
  const std::size_t a = cluster.start();
  const std::size_t b = cluster.start();
  HttpClient organizer = sign_up_organizer(cluster.port(a), unique_email("organizer"));
  const std::string code = create_event(organizer, "Retries");

  const std::string photo = jpeg_copy(sample_bytes(1), "retried upload");
  const std::vector<HttpResponse> uploads = four_retries(cluster, a, b, [&](std::uint16_t port) {
    HttpClient client(port);
    client.set_token(organizer.token());
    Multipart form;  // a new boundary each time, as a browser's retry would have
    form.file("photos", "retried.jpg", photo);
    return client.send("POST", "/api/events/" + code + "/photos", form.body(), form.content_type(),
                       {"Idempotency-Key: upload-7f3a"});
  });
  int replayed = 0;
  for (const HttpResponse& r : uploads) {
    ASSERT_EQ(r.status, 202) << r.describe() << cluster.logs();
    EXPECT_EQ(r.body, uploads[0].body) << "every retry gets the first answer";
    replayed += r.header("idempotent-replayed") == "true" ? 1 : 0;
  }
  EXPECT_EQ(replayed, 3);
  EXPECT_EQ(uploads[0].json_body()["photos"][0]["duplicate"], false);
  EXPECT_EQ(get_json(organizer, "/api/events/" + code + "/photos")["photos"].size(), 1u);

  const std::string email = unique_email("zoe");
  const std::vector<HttpResponse> sign_ups = four_retries(cluster, a, b, [&](std::uint16_t port) {
    const json body = {
        {"event_code", code}, {"email", email}, {"password", kPassword}, {"name", "Zoe"}};
    return HttpClient(port).send("POST", "/api/register-with-event-code", body.dump(),
                                 "application/json", {"Idempotency-Key: signup-91c2"});
  });
  std::set<std::string> tokens;
  for (const HttpResponse& r : sign_ups) {
    ASSERT_EQ(r.status, 201) << r.describe() << cluster.logs();
    tokens.insert(r.json_body()["token"].get<std::string>());
  }
  EXPECT_EQ(tokens.size(), 1u) << "one account, one session, however often it was retried";
}

}  // namespace
}  // namespace findme::integration
