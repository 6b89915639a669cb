# A throwaway PostgreSQL cluster for the PostgreSQL tests (store/postgres, integration): the
# CTest fixture "pg_cluster" starts it (tools/pg_test_cluster.sh) before the first test that
# requires it and removes it after the last, so `ctest` alone needs no database running.
# Tests find it through the url file (FINDME_PG_URL_FILE) or $FINDME_TEST_DATABASE_URL.
set(FINDME_PG_CLUSTER_DIR ${CMAKE_BINARY_DIR}/pg-test-cluster)
# For ENVIRONMENT_MODIFICATION of the PostgreSQL tests: a leak inside libpq/libpqxx 6.4 that the
# sanitizer build would report when a test breaks connections on purpose (see the file).
set(FINDME_PG_TEST_ENV "LSAN_OPTIONS=set:suppressions=${PROJECT_SOURCE_DIR}/tools/lsan-libpq.supp")
add_test(NAME pg_cluster_start
         COMMAND ${PROJECT_SOURCE_DIR}/tools/pg_test_cluster.sh start ${FINDME_PG_CLUSTER_DIR})
set_tests_properties(pg_cluster_start PROPERTIES FIXTURES_SETUP pg_cluster TIMEOUT 120 LABELS postgres)
add_test(NAME pg_cluster_stop
         COMMAND ${PROJECT_SOURCE_DIR}/tools/pg_test_cluster.sh stop ${FINDME_PG_CLUSTER_DIR})
set_tests_properties(pg_cluster_stop PROPERTIES FIXTURES_CLEANUP pg_cluster TIMEOUT 60 LABELS postgres)
