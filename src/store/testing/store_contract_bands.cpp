// Store contract: confidence bands. Sure and maybe matches, "Is this you?" candidates, answers
// and the query faces a confirmed answer adds.
#include <algorithm>

#include "store/testing/store_contract.h"

namespace findme::store::testing {

int link_bands_contract() { return 1; }

namespace {

void upsert(Store& store, UserId user, PhotoId photo, FaceId face, float distance, MatchBand band) {
  NewMatch m{
      .user_id = user, .photo_id = photo, .face_id = face, .distance = distance, .band = band};
  Result<void> done = store.upsert_matches(std::span<const NewMatch>(&m, 1));
  ASSERT_TRUE(done) << done.error().message;
}

std::optional<Match> match_on(Store& store, UserId user, FaceId face) {
  Result<std::optional<Match>> found = store.find_user_face_match(user, face);
  EXPECT_TRUE(found);
  return found ? *found : std::nullopt;
}

std::vector<MatchCandidate> candidates(Store& store, UserId user,
                                       std::optional<EventId> event = std::nullopt,
                                       int limit = 20) {
  Result<std::vector<MatchCandidate>> listed = store.list_user_candidates(user, event, limit);
  EXPECT_TRUE(listed);
  return listed ? *listed : std::vector<MatchCandidate>{};
}

std::int64_t visible_count(Store& store, UserId user) {
  Result<std::int64_t> n = store.count_user_matches(user, std::nullopt);
  EXPECT_TRUE(n);
  return n ? *n : -1;
}

bool can_view(Store& store, UserId user, PhotoId photo) {
  Result<bool> yes = store.can_view_photo(user, photo);
  EXPECT_TRUE(yes);
  return yes && *yes;
}

std::optional<MatchAnswer> answer(Store& store, UserId user, FaceId face, bool is_me) {
  Result<std::optional<MatchAnswer>> done = store.answer_match(user, face, is_me);
  EXPECT_TRUE(done) << done.error().message;
  return done ? *done : std::nullopt;
}

}  // namespace

TEST_P(StoreContract, MaybeMatchIsACandidateNotAPhoto) {
  User org = add_user("org@example.org", Role::organizer);
  User ann = add_user("ann@example.org");
  Event event = add_event(org.id, "BANDS1");
  ASSERT_TRUE(store().join_event(ann.id, event.id));
  PhotoAndJob p = add_photo(event.id, org.id, "k1");
  std::vector<Face> faces = index_photo(p.photo.id, 2, 1.0f);
  upsert(store(), ann.id, p.photo.id, faces[1].id, 0.5f, MatchBand::maybe);

  EXPECT_EQ(visible_count(store(), ann.id), 0);
  Result<std::vector<MatchedPhoto>> mine = store().list_user_matches(ann.id, std::nullopt);
  ASSERT_TRUE(mine);
  EXPECT_TRUE(mine->empty());
  EXPECT_FALSE(can_view(store(), ann.id, p.photo.id));  // a maybe match gives no access

  std::vector<MatchCandidate> asked = candidates(store(), ann.id);
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].face_id, faces[1].id);
  EXPECT_EQ(asked[0].photo_id, p.photo.id);
  EXPECT_EQ(asked[0].event_code, "BANDS1");
  EXPECT_FLOAT_EQ(asked[0].distance, 0.5f);
  Result<std::int64_t> pending = store().count_user_candidates(ann.id, event.id);
  ASSERT_TRUE(pending);
  EXPECT_EQ(*pending, 1);

  std::optional<Match> m = match_on(store(), ann.id, faces[1].id);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->band, MatchBand::maybe);
  EXPECT_EQ(m->state, MatchState::none);
  EXPECT_EQ(m->event_id, event.id);

  Result<EventStats> stats = store().event_stats(event.id);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->matches, 0);
  EXPECT_EQ(stats->matched_attendees, 0);
  EXPECT_EQ(stats->candidates, 1);
}

TEST_P(StoreContract, MatchesAreSureByDefaultAndSureWinsOverMaybe) {
  User org = add_user("org@example.org", Role::organizer);
  User ann = add_user("ann@example.org");
  Event event = add_event(org.id, "BANDS2");
  PhotoAndJob p1 = add_photo(event.id, org.id, "k1");
  PhotoAndJob p2 = add_photo(event.id, org.id, "k2");
  std::vector<Face> f1 = index_photo(p1.photo.id, 2, 1.0f);
  std::vector<Face> f2 = index_photo(p2.photo.id, 2, 3.0f);

  match(ann.id, p1.photo.id, f1[0].id, 0.4f);  // NewMatch's default band
  std::optional<Match> m1 = match_on(store(), ann.id, f1[0].id);
  ASSERT_TRUE(m1);
  EXPECT_EQ(m1->band, MatchBand::sure);
  // A closer maybe on another face: the distance and face move, the band stays sure.
  upsert(store(), ann.id, p1.photo.id, f1[1].id, 0.3f, MatchBand::maybe);
  m1 = match_on(store(), ann.id, f1[1].id);
  ASSERT_TRUE(m1);
  EXPECT_EQ(m1->band, MatchBand::sure);
  EXPECT_FLOAT_EQ(m1->distance, 0.3f);

  // Maybe first, then a sure one further away: sure, and the smaller distance keeps its face.
  upsert(store(), ann.id, p2.photo.id, f2[0].id, 0.5f, MatchBand::maybe);
  upsert(store(), ann.id, p2.photo.id, f2[1].id, 0.55f, MatchBand::sure);
  std::optional<Match> m2 = match_on(store(), ann.id, f2[0].id);
  ASSERT_TRUE(m2);
  EXPECT_EQ(m2->band, MatchBand::sure);
  EXPECT_FLOAT_EQ(m2->distance, 0.5f);
  EXPECT_FALSE(match_on(store(), ann.id, f2[1].id));
  EXPECT_EQ(visible_count(store(), ann.id), 2);
  EXPECT_TRUE(candidates(store(), ann.id).empty());
}

TEST_P(StoreContract, ConfirmingAddsAQueryFaceForThatEventOnce) {
  User org = add_user("org@example.org", Role::organizer);
  User ann = add_user("ann@example.org");
  Event event = add_event(org.id, "BANDS3");
  Event other = add_event(org.id, "BANDS4");
  ASSERT_TRUE(store().join_event(ann.id, event.id));
  ASSERT_TRUE(store().join_event(ann.id, other.id));
  PhotoAndJob p = add_photo(event.id, org.id, "k1");
  std::vector<Face> faces = index_photo(p.photo.id, 2, 1.0f);
  upsert(store(), ann.id, p.photo.id, faces[1].id, 0.5f, MatchBand::maybe);

  std::optional<MatchAnswer> yes = answer(store(), ann.id, faces[1].id, true);
  ASSERT_TRUE(yes);
  EXPECT_EQ(yes->match.state, MatchState::confirmed);
  EXPECT_EQ(yes->match.band, MatchBand::maybe);
  ASSERT_TRUE(yes->query);
  EXPECT_EQ(yes->query->selfie.user_id, ann.id);
  EXPECT_EQ(yes->query->selfie.storage_key, "");
  EXPECT_EQ(yes->query->selfie.event_id, event.id);
  ASSERT_TRUE(yes->query->selfie.embedding);
  EXPECT_EQ(*yes->query->selfie.embedding, faces[1].embedding);
  EXPECT_EQ(yes->query->job.kind, JobKind::match_selfie);
  EXPECT_EQ(yes->query->job.status, JobStatus::queued);
  EXPECT_EQ(yes->query->job.owner_id, ann.id);
  EXPECT_EQ(yes->query->job.event_id, event.id);
  EXPECT_EQ(yes->query->job.selfie_id, yes->query->selfie.id);
  EXPECT_EQ(yes->query->job.priority, kPriorityInteractive);

  EXPECT_EQ(visible_count(store(), ann.id), 1);
  EXPECT_TRUE(can_view(store(), ann.id, p.photo.id));
  EXPECT_TRUE(candidates(store(), ann.id).empty());

  // The query face matches in its event only.
  auto has_query = [&](EventId e) {
    Result<std::vector<AttendeeFace>> listed = store().list_attendee_faces(e);
    EXPECT_TRUE(listed);
    return listed && std::any_of(listed->begin(), listed->end(), [&](const AttendeeFace& a) {
             return a.selfie_id == yes->query->selfie.id && a.confirmed_face;
           });
  };
  EXPECT_TRUE(has_query(event.id));
  EXPECT_FALSE(has_query(other.id));

  // Answering again, or a new maybe from a re-run: still confirmed, no second query face.
  std::optional<MatchAnswer> again = answer(store(), ann.id, faces[1].id, true);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->match.state, MatchState::confirmed);
  EXPECT_FALSE(again->query);
  upsert(store(), ann.id, p.photo.id, faces[1].id, 0.52f, MatchBand::maybe);
  EXPECT_EQ(match_on(store(), ann.id, faces[1].id)->state, MatchState::confirmed);
  EXPECT_EQ(visible_count(store(), ann.id), 1);
  Result<std::vector<Selfie>> selfies = store().list_user_selfies(ann.id);
  ASSERT_TRUE(selfies);
  EXPECT_EQ(selfies->size(), 1u);

  Result<EventStats> stats = store().event_stats(event.id);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->matches, 1);
  EXPECT_EQ(stats->candidates, 0);
}

TEST_P(StoreContract, RejectedStaysRejected) {
  User org = add_user("org@example.org", Role::organizer);
  User ann = add_user("ann@example.org");
  Event event = add_event(org.id, "BANDS5");
  PhotoAndJob p = add_photo(event.id, org.id, "k1");
  std::vector<Face> faces = index_photo(p.photo.id, 2, 1.0f);
  upsert(store(), ann.id, p.photo.id, faces[0].id, 0.5f, MatchBand::maybe);

  std::optional<MatchAnswer> no = answer(store(), ann.id, faces[0].id, false);
  ASSERT_TRUE(no);
  EXPECT_EQ(no->match.state, MatchState::rejected);
  EXPECT_FALSE(no->query);
  EXPECT_TRUE(candidates(store(), ann.id).empty());

  // Neither a new maybe, a sure re-match nor a later "yes" brings it back.
  upsert(store(), ann.id, p.photo.id, faces[0].id, 0.45f, MatchBand::maybe);
  upsert(store(), ann.id, p.photo.id, faces[0].id, 0.2f, MatchBand::sure);
  EXPECT_TRUE(candidates(store(), ann.id).empty());
  EXPECT_EQ(visible_count(store(), ann.id), 0);
  EXPECT_FALSE(can_view(store(), ann.id, p.photo.id));
  std::optional<MatchAnswer> yes = answer(store(), ann.id, faces[0].id, true);
  ASSERT_TRUE(yes);
  EXPECT_EQ(yes->match.state, MatchState::rejected);
  EXPECT_FALSE(yes->query);
  Result<std::vector<Selfie>> selfies = store().list_user_selfies(ann.id);
  ASSERT_TRUE(selfies);
  EXPECT_TRUE(selfies->empty());
}

TEST_P(StoreContract, NoAfterYesRemovesTheQueryFace) {
  User org = add_user("org@example.org", Role::organizer);
  User ann = add_user("ann@example.org");
  Event event = add_event(org.id, "BANDS6");
  PhotoAndJob p = add_photo(event.id, org.id, "k1");
  std::vector<Face> faces = index_photo(p.photo.id, 1, 1.0f);
  upsert(store(), ann.id, p.photo.id, faces[0].id, 0.5f, MatchBand::maybe);
  ASSERT_TRUE(answer(store(), ann.id, faces[0].id, true));
  std::optional<MatchAnswer> no = answer(store(), ann.id, faces[0].id, false);
  ASSERT_TRUE(no);
  EXPECT_EQ(no->match.state, MatchState::rejected);
  Result<std::vector<Selfie>> selfies = store().list_user_selfies(ann.id);
  ASSERT_TRUE(selfies);
  EXPECT_TRUE(selfies->empty());
  EXPECT_EQ(visible_count(store(), ann.id), 0);
}

TEST_P(StoreContract, NotMeOnACandidateRejectsIt) {
  User org = add_user("org@example.org", Role::organizer);
  User ann = add_user("ann@example.org");
  Event event = add_event(org.id, "BANDS7");
  PhotoAndJob p = add_photo(event.id, org.id, "k1");
  std::vector<Face> faces = index_photo(p.photo.id, 1, 1.0f);
  upsert(store(), ann.id, p.photo.id, faces[0].id, 0.5f, MatchBand::maybe);
  Result<bool> hidden = store().hide_match(ann.id, p.photo.id);
  ASSERT_TRUE(hidden);
  EXPECT_TRUE(*hidden);
  EXPECT_TRUE(candidates(store(), ann.id).empty());
  EXPECT_EQ(match_on(store(), ann.id, faces[0].id)->state, MatchState::rejected);
}

TEST_P(StoreContract, OnlyMaybeOrAnsweredMatchesCanBeAnswered) {
  User org = add_user("org@example.org", Role::organizer);
  User ann = add_user("ann@example.org");
  User bob = add_user("bob@example.org");
  Event event = add_event(org.id, "BANDS8");
  PhotoAndJob p = add_photo(event.id, org.id, "k1");
  std::vector<Face> faces = index_photo(p.photo.id, 2, 1.0f);
  match(ann.id, p.photo.id, faces[0].id, 0.3f);  // sure
  PhotoAndJob q = add_photo(event.id, org.id, "k2");
  std::vector<Face> qf = index_photo(q.photo.id, 1, 5.0f);
  upsert(store(), ann.id, q.photo.id, qf[0].id, 0.5f, MatchBand::maybe);

  auto refused = [&](UserId user, FaceId face) {
    Result<std::optional<MatchAnswer>> done = store().answer_match(user, face, true);
    return done && !*done;
  };
  EXPECT_TRUE(refused(ann.id, faces[0].id));     // sure, never asked about
  EXPECT_TRUE(refused(ann.id, faces[1].id));     // no match on that face
  EXPECT_TRUE(refused(bob.id, qf[0].id));        // someone else's candidate
  EXPECT_TRUE(refused(ann.id, FaceId{999999}));  // unknown face
  EXPECT_EQ(match_on(store(), ann.id, qf[0].id)->state, MatchState::none);
  EXPECT_FALSE(match_on(store(), bob.id, qf[0].id));
}

TEST_P(StoreContract, CandidatesAreBestFirstLimitedAndScopedByEvent) {
  User org = add_user("org@example.org", Role::organizer);
  User ann = add_user("ann@example.org");
  Event e1 = add_event(org.id, "BANDS9");
  Event e2 = add_event(org.id, "BANDSA");
  std::vector<FaceId> order;
  const float distances[] = {0.58f, 0.51f, 0.55f};
  for (int i = 0; i < 3; ++i) {
    PhotoAndJob p = add_photo(i == 2 ? e2.id : e1.id, org.id, "k" + std::to_string(i));
    std::vector<Face> f = index_photo(p.photo.id, 1, static_cast<float>(i));
    upsert(store(), ann.id, p.photo.id, f[0].id, distances[i], MatchBand::maybe);
    order.push_back(f[0].id);
  }
  std::vector<MatchCandidate> all = candidates(store(), ann.id);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].face_id, order[1]);
  EXPECT_EQ(all[1].face_id, order[2]);
  EXPECT_EQ(all[2].face_id, order[0]);
  EXPECT_EQ(candidates(store(), ann.id, std::nullopt, 2).size(), 2u);
  std::vector<MatchCandidate> in_e2 = candidates(store(), ann.id, e2.id);
  ASSERT_EQ(in_e2.size(), 1u);
  EXPECT_EQ(in_e2[0].event_code, "BANDSA");
  Result<std::int64_t> n = store().count_user_candidates(ann.id, std::nullopt);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 3);
}

TEST_P(StoreContract, FindsAFaceById) {
  User org = add_user("org@example.org", Role::organizer);
  Event event = add_event(org.id, "BANDSB");
  PhotoAndJob p = add_photo(event.id, org.id, "k1");
  std::vector<Face> faces = index_photo(p.photo.id, 2, 1.0f);
  Result<std::optional<Face>> found = store().find_face(faces[1].id);
  ASSERT_TRUE(found);
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->photo_id, p.photo.id);
  EXPECT_EQ((*found)->box.x, faces[1].box.x);
  EXPECT_EQ((*found)->box.width, faces[1].box.width);
  Result<std::optional<Face>> unknown = store().find_face(FaceId{999999});
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(*unknown);
}

TEST_P(StoreContract, QueryFacesGoWithTheirEventAndTheirUser) {
  User org = add_user("org@example.org", Role::organizer);
  User ann = add_user("ann@example.org");
  Event event = add_event(org.id, "BANDSC");
  PhotoAndJob p = add_photo(event.id, org.id, "k1");
  std::vector<Face> faces = index_photo(p.photo.id, 1, 1.0f);
  upsert(store(), ann.id, p.photo.id, faces[0].id, 0.5f, MatchBand::maybe);
  ASSERT_TRUE(answer(store(), ann.id, faces[0].id, true));

  // The query face has no file: deleting the user returns no key for it.
  Result<OrphanedKeys> keys = store().delete_user(ann.id);
  ASSERT_TRUE(keys);
  EXPECT_TRUE(std::none_of(keys->begin(), keys->end(), [](const auto& k) { return k.empty(); }));

  User bob = add_user("bob@example.org");
  upsert(store(), bob.id, p.photo.id, faces[0].id, 0.5f, MatchBand::maybe);
  std::optional<MatchAnswer> yes = answer(store(), bob.id, faces[0].id, true);
  ASSERT_TRUE(yes && yes->query);
  ASSERT_TRUE(store().delete_event(event.id));
  Result<std::optional<Selfie>> gone = store().find_selfie(yes->query->selfie.id);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

}  // namespace findme::store::testing
