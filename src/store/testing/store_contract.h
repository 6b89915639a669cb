// The contract every Store backend passes: TEST_P(StoreContract, ...) cases parameterised by a
// backend factory. A backend's test file instantiates them with FINDME_INSTANTIATE_STORE_CONTRACT.
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "core/entities.h"
#include "core/testing/manual_clock.h"
#include "store/store.h"

namespace findme::store::testing {

// One database under test. open() may be called again after the previous Store was destroyed
// and must reach the same data (a process restart). The destructor removes the database.
class StoreBackend {
 public:
  virtual ~StoreBackend() = default;
  virtual Result<std::unique_ptr<Store>> open(Clock& clock) = 0;
};
using StoreBackendFactory = std::unique_ptr<StoreBackend> (*)();

// Not thread-safe itself; the cases start their own threads where they test concurrency.
class StoreContract : public ::testing::TestWithParam<StoreBackendFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;

  Store& store() { return *store_; }
  // Closes the store and opens the same database again.
  void reopen();

  // Fixtures: each fails the test (ADD_FAILURE) and returns a default value on error.
  User add_user(const std::string& email, Role role = Role::attendee);
  Event add_event(UserId organizer, const std::string& code);
  PhotoAndJob add_photo(EventId event, UserId uploader, const std::string& key);
  std::vector<Face> index_photo(PhotoId photo, int faces, float seed);
  void match(UserId user, PhotoId photo, FaceId face, float distance);

  ManualClock clock_;
  std::unique_ptr<StoreBackend> backend_;
  std::unique_ptr<Store> store_;
};

// A recognisable embedding: every component is `seed` plus its index / 1000.
FaceVector test_vector(float seed);

// Referenced by FINDME_INSTANTIATE_STORE_CONTRACT so that the linker keeps every contract case
// from the static library.
int link_store_contract();

}  // namespace findme::store::testing

// Use at global scope; `factory` is a fully qualified StoreBackendFactory.
#define FINDME_INSTANTIATE_STORE_CONTRACT(name, factory)                                         \
  namespace findme::store::testing {                                                             \
  [[maybe_unused]] static const int findme_store_contract_linked_##name = link_store_contract(); \
  INSTANTIATE_TEST_SUITE_P(name, StoreContract, ::testing::Values(factory));                     \
  }
