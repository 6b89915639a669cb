# findme_module(NAME [DEPS dep...] [TEST_DEPS dep...] [TEST_LABEL label]
#               [TEST_PROPERTIES prop value...])
#
# Builds src/NAME/*.cpp (not recursive) into the static library findme_NAME ("/" becomes "_")
# and src/NAME/*_test.cpp into the gtest binary findme_NAME_test. A dependency without "::" is
# another module (e.g. "face/model"); tools/check_layers.sh checks that includes follow DEPS.
# The tests carry the CTest label TEST_LABEL (default `unit`: no service or database needed, so
# `ctest -L unit` is the quick check). TEST_PROPERTIES are added to every discovered test (e.g.
# FIXTURES_REQUIRED pg_cluster).
function(findme_module name)
  cmake_parse_arguments(M "" "TEST_LABEL" "DEPS;TEST_DEPS;TEST_PROPERTIES" ${ARGN})
  if(NOT M_TEST_LABEL)
    set(M_TEST_LABEL unit)
  endif()
  string(REPLACE "/" "_" target "findme_${name}")
  set(dir ${CMAKE_CURRENT_SOURCE_DIR}/${name})
  file(GLOB all_sources CONFIGURE_DEPENDS ${dir}/*.cpp)
  file(GLOB test_sources CONFIGURE_DEPENDS ${dir}/*_test.cpp)
  set(sources ${all_sources})
  if(test_sources)
    list(REMOVE_ITEM sources ${test_sources})
  endif()

  findme_dependency_targets(deps ${M_DEPS})
  findme_dependency_targets(test_deps ${M_TEST_DEPS})

  if(sources)
    add_library(${target} STATIC ${sources})
    target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${target} PUBLIC ${deps})
    target_compile_options(${target} PRIVATE ${FINDME_WARNINGS})
    if(name MATCHES "testing$")
      # A testing module holds TEST_P cases that the linker pulls in only for the binaries that
      # reference their file; a unity batch would bring them to every binary that uses a helper.
      set_target_properties(${target} PROPERTIES UNITY_BUILD OFF)
    endif()
  else()
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${target} INTERFACE ${deps})
  endif()

  if(test_sources)
    add_executable(${target}_test ${test_sources})
    target_link_libraries(${target}_test PRIVATE ${target} ${test_deps} GTest::gtest_main GTest::gmock)
    target_compile_options(${target}_test PRIVATE ${FINDME_WARNINGS})
    findme_test_definitions(${target}_test)
    gtest_discover_tests(${target}_test DISCOVERY_MODE PRE_TEST
                         PROPERTIES ENVIRONMENT "FINDME_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
                                    LABELS ${M_TEST_LABEL} ${M_TEST_PROPERTIES})
  endif()
endfunction()

# Sets `out` to the link targets of `deps`: a name with "::" is an imported target and stays as
# it is; any other name is a module ("face/model" -> findme_face_model).
function(findme_dependency_targets out)
  set(targets)
  foreach(dep IN LISTS ARGN)
    if(dep MATCHES "::" OR dep MATCHES "^-")
      list(APPEND targets ${dep})
    else()
      string(REPLACE "/" "_" t "findme_${dep}")
      list(APPEND targets ${t})
    endif()
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

# Where tests find the fetched model package and the shared test data.
function(findme_test_definitions target)
  target_compile_definitions(${target} PRIVATE
    FINDME_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    FINDME_FACE_API_DIR="${FINDME_FACE_API_DIR}"
    FINDME_HUMAN_MODELS_DIR="${FINDME_HUMAN_MODELS_DIR}"
    FINDME_TESTDATA_DIR="${PROJECT_SOURCE_DIR}/../shared/testdata"
    FINDME_PG_URL_FILE="${FINDME_PG_CLUSTER_DIR}/url")
endfunction()
