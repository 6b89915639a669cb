// Test helper: a fresh, empty PostgreSQL database per test on the throwaway cluster that CTest
// starts (tools/pg_test_cluster.sh, fixture "pg_cluster"), dropped again when destroyed.
// Header-only because module folders compile only *_test.cpp files into test binaries.
#pragma once

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

#include <pqxx/pqxx>  // the whole library: 6.4's headers are not self-contained
#include <unistd.h>

namespace findme::store::postgres::testing {

// The cluster's admin URL: $FINDME_TEST_DATABASE_URL, else the url file the CTest fixture wrote.
// Throws (failing the test loudly, never skipping) when neither exists.
inline std::string admin_url() {
  if (const char* url = std::getenv("FINDME_TEST_DATABASE_URL"); url != nullptr && *url != 0) {
    return url;
  }
  std::ifstream in(FINDME_PG_URL_FILE);
  std::string url;
  if (!std::getline(in, url) || url.empty()) {
    throw std::runtime_error(
        "no PostgreSQL test cluster: run the tests through ctest (its pg_cluster fixture starts "
        "one), or start one with tools/pg_test_cluster.sh start DIR and set "
        "FINDME_TEST_DATABASE_URL");
  }
  return url;
}

// `url` with its database name replaced by `name`.
inline std::string url_with_database(const std::string& url, const std::string& name) {
  const std::size_t hosts = url.find("://");
  const std::size_t slash = url.find('/', hosts == std::string::npos ? 0 : hosts + 3);
  const std::size_t query = url.find('?');
  std::string out = url.substr(0, slash == std::string::npos ? query : slash) + "/" + name;
  if (query != std::string::npos) out += url.substr(query);
  return out;
}

// Not thread-safe; one per test (or per StoreBackend).
class TestDatabase {
 public:
  TestDatabase() : admin_(admin_url()) {
    static std::atomic<int> counter{0};
    name_ = "findme_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    pqxx::connection conn(admin_);
    pqxx::nontransaction tx(conn);
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_));
    tx.exec("CREATE DATABASE " + tx.quote_name(name_));
  }
  ~TestDatabase() {
    try {
      pqxx::connection conn(admin_);
      pqxx::nontransaction tx(conn);
      tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
    } catch (const std::exception&) {  // the cluster is removed with its folder anyway
    }
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  std::string url() const { return url_with_database(admin_, name_); }
  const std::string& name() const { return name_; }

 private:
  std::string admin_;
  std::string name_;
};

}  // namespace findme::store::postgres::testing
