// Store contract: fixture, accounts and events.
#include "store/testing/store_contract.h"

#include <chrono>

namespace findme::store::testing {

int link_photos_contract();
int link_jobs_contract();
int link_versions_contract();
int link_bands_contract();
int link_idempotency_contract();
int link_collections_contract();
int link_access_keys_contract();
int link_ids_contract();

int link_failing_store_cases();

int link_store_contract() {
  return link_photos_contract() + link_jobs_contract() + link_versions_contract() +
         link_bands_contract() + link_idempotency_contract() + link_collections_contract() +
         link_access_keys_contract() + link_ids_contract() + link_failing_store_cases();
}

FaceVector test_vector(float seed) {
  FaceVector v{};
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = seed + static_cast<float>(i) / 1000.0f;
  return v;
}

void StoreContract::SetUp() {
  backend_ = GetParam()();
  Result<std::unique_ptr<Store>> opened = backend_->open(clock_);
  ASSERT_TRUE(opened) << opened.error().message;
  store_ = std::move(*opened);
}

void StoreContract::TearDown() {
  store_.reset();
  backend_.reset();
}

void StoreContract::reopen() {
  store_.reset();
  Result<std::unique_ptr<Store>> opened = backend_->open(clock_);
  ASSERT_TRUE(opened) << opened.error().message;
  store_ = std::move(*opened);
}

User StoreContract::add_user(const std::string& email, Role role) {
  Result<User> user = store().create_user(
      {.email = email, .name = "Name of " + email, .role = role, .password_hash = "$argon2id$x"});
  if (!user) {
    ADD_FAILURE() << user.error().message;
    return {};
  }
  return *user;
}

Event StoreContract::add_event(UserId organizer, const std::string& code) {
  Result<std::optional<Event>> event =
      store().create_event({.organizer_id = organizer, .code = code, .name = "Event " + code});
  if (!event || !*event) {
    ADD_FAILURE() << "create_event " << code << " failed";
    return {};
  }
  return **event;
}

PhotoAndJob StoreContract::add_photo(EventId event, UserId uploader, const std::string& key) {
  Result<PhotoAndJob> added = store().add_photo_and_enqueue({.event_id = event,
                                                             .uploaded_by = uploader,
                                                             .filename = key + ".jpg",
                                                             .storage_key = key,
                                                             .thumbnail_key = key + ".thumb",
                                                             .content_type = "image/jpeg",
                                                             .byte_size = 1234});
  if (!added) {
    ADD_FAILURE() << added.error().message;
    return {};
  }
  return *added;
}

std::vector<Face> StoreContract::index_photo(PhotoId photo, int faces, float seed) {
  PhotoIndex index{.width = 640, .height = 480};
  for (int i = 0; i < faces; ++i) {
    index.faces.push_back({.box = {i * 10, 5, 50, 60},
                           .detection_score = 0.9f,
                           .usable = i % 2 == 0,
                           .embedding = test_vector(seed + static_cast<float>(i))});
  }
  Result<std::vector<Face>> stored = store().save_photo_index(photo, index);
  if (!stored) {
    ADD_FAILURE() << stored.error().message;
    return {};
  }
  return *stored;
}

void StoreContract::match(UserId user, PhotoId photo, FaceId face, float distance) {
  NewMatch m{.user_id = user, .photo_id = photo, .face_id = face, .distance = distance};
  Result<void> done = store().upsert_matches(std::span<const NewMatch>(&m, 1));
  if (!done) ADD_FAILURE() << done.error().message;
}

namespace {

using std::chrono::minutes;

TEST_P(StoreContract, CreatesAndFindsUsers) {
  User ada = add_user("ada@example.org", Role::organizer);
  EXPECT_GT(ada.id.value, 0);
  EXPECT_EQ(ada.role, Role::organizer);
  EXPECT_EQ(ada.created_at, clock_.now());

  Result<std::optional<User>> by_email = store().find_user_by_email("ADA@Example.org");
  ASSERT_TRUE(by_email);
  ASSERT_TRUE(*by_email);
  EXPECT_EQ((*by_email)->id, ada.id);
  EXPECT_EQ((*by_email)->password_hash, "$argon2id$x");

  Result<std::optional<User>> by_id = store().find_user(ada.id);
  ASSERT_TRUE(by_id && *by_id);
  EXPECT_EQ((*by_id)->email, "ada@example.org");

  Result<std::optional<User>> missing = store().find_user_by_email("bob@example.org");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
}

TEST_P(StoreContract, DuplicateEmailIsTakenInAnyCase) {
  add_user("ada@example.org");
  Result<User> again = store().create_user(
      {.email = "Ada@EXAMPLE.org", .name = "x", .role = Role::attendee, .password_hash = "h"});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::email_taken);
}

TEST_P(StoreContract, TokensResolveUntilTheyExpire) {
  User ada = add_user("ada@example.org");
  ASSERT_TRUE(store().create_token(
      {.token_hash = "h1", .user_id = ada.id, .expires_at = clock_.now() + minutes(10)}));

  Result<std::optional<User>> found = store().find_user_by_token("h1");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->id, ada.id);
  Result<std::optional<User>> unknown = store().find_user_by_token("h2");
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(*unknown);

  clock_.advance(minutes(10));
  Result<std::optional<User>> expired = store().find_user_by_token("h1");
  ASSERT_TRUE(expired);
  EXPECT_FALSE(*expired);
  Result<std::int64_t> removed = store().delete_expired_tokens();
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 1);
}

TEST_P(StoreContract, DeletedTokenNoLongerResolves) {
  User ada = add_user("ada@example.org");
  ASSERT_TRUE(store().create_token(
      {.token_hash = "h1", .user_id = ada.id, .expires_at = clock_.now() + minutes(10)}));
  ASSERT_TRUE(store().delete_token("h1"));
  ASSERT_TRUE(store().delete_token("h1"));  // idempotent
  Result<std::optional<User>> found = store().find_user_by_token("h1");
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
}

TEST_P(StoreContract, TokenForUnknownUserIsNotFound) {
  Result<void> r = store().create_token(
      {.token_hash = "h", .user_id = UserId{999}, .expires_at = clock_.now() + minutes(1)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::not_found);
}

TEST_P(StoreContract, FailedLoginsAreCountedWithinTheWindow) {
  ASSERT_TRUE(store().record_failed_login("ada@example.org"));
  clock_.advance(minutes(10));
  ASSERT_TRUE(store().record_failed_login("ADA@example.org"));
  ASSERT_TRUE(store().record_failed_login("bob@example.org"));

  Result<std::int64_t> recent =
      store().count_failed_logins("ada@example.org", clock_.now() - minutes(5));
  ASSERT_TRUE(recent);
  EXPECT_EQ(*recent, 1);
  Result<std::int64_t> all =
      store().count_failed_logins("ada@example.org", clock_.now() - minutes(15));
  ASSERT_TRUE(all);
  EXPECT_EQ(*all, 2);

  ASSERT_TRUE(store().clear_failed_logins("ada@example.org"));
  Result<std::int64_t> cleared =
      store().count_failed_logins("ada@example.org", clock_.now() - minutes(15));
  ASSERT_TRUE(cleared);
  EXPECT_EQ(*cleared, 0);
  Result<std::int64_t> other =
      store().count_failed_logins("bob@example.org", clock_.now() - minutes(15));
  ASSERT_TRUE(other);
  EXPECT_EQ(*other, 1);
}

TEST_P(StoreContract, EventCodesAreUniqueAndCaseInsensitive) {
  User org = add_user("org@example.org", Role::organizer);
  Event event = add_event(org.id, "hx7k2q");
  EXPECT_EQ(event.code, "HX7K2Q");
  EXPECT_EQ(event.organizer_id, org.id);
  EXPECT_EQ(event.photo_count, 0);

  Result<std::optional<Event>> clash =
      store().create_event({.organizer_id = org.id, .code = "HX7K2Q", .name = "again"});
  ASSERT_TRUE(clash);
  EXPECT_FALSE(*clash);

  Result<std::optional<Event>> found = store().find_event_by_code("Hx7k2Q");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->id, event.id);
  Result<std::optional<Event>> unknown = store().find_event_by_code("ZZZZZZ");
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(*unknown);
}

TEST_P(StoreContract, EventForUnknownOrganizerIsNotFound) {
  Result<std::optional<Event>> r =
      store().create_event({.organizer_id = UserId{42}, .code = "ABCDEF", .name = "x"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::not_found);
}

TEST_P(StoreContract, ListsOrganizerEventsNewestFirstWithPhotoCounts) {
  User org = add_user("org@example.org", Role::organizer);
  User other = add_user("other@example.org", Role::organizer);
  Event first = add_event(org.id, "AAAAAA");
  clock_.advance(minutes(1));
  Event second = add_event(org.id, "BBBBBB");
  add_event(other.id, "CCCCCC");
  add_photo(first.id, org.id, "k1");
  add_photo(first.id, org.id, "k2");

  Result<std::vector<Event>> events = store().list_organizer_events(org.id);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].id, second.id);
  EXPECT_EQ((*events)[1].id, first.id);
  EXPECT_EQ((*events)[1].photo_count, 2);
}

TEST_P(StoreContract, JoiningIsIdempotentAndKeepsFirstConsent) {
  User org = add_user("org@example.org", Role::organizer);
  User ann = add_user("ann@example.org");
  Event event = add_event(org.id, "AAAAAA");
  Result<bool> first = store().join_event(ann.id, event.id);
  ASSERT_TRUE(first);
  EXPECT_TRUE(*first);
  clock_.advance(minutes(1));
  Result<bool> second = store().join_event(ann.id, event.id);
  ASSERT_TRUE(second);
  EXPECT_FALSE(*second);

  Result<bool> member = store().is_member(ann.id, event.id);
  ASSERT_TRUE(member);
  EXPECT_TRUE(*member);
  Result<std::vector<Event>> joined = store().list_joined_events(ann.id);
  ASSERT_TRUE(joined);
  ASSERT_EQ(joined->size(), 1u);
  EXPECT_EQ((*joined)[0].code, "AAAAAA");

  Result<bool> unknown = store().join_event(ann.id, EventId{999});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);
}

}  // namespace
}  // namespace findme::store::testing
