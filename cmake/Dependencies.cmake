# Every third-party library comes from Debian's packages (tools/setup.sh installs them).
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(vips REQUIRED IMPORTED_TARGET vips)
pkg_check_modules(sodium REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(libpqxx REQUIRED IMPORTED_TARGET libpqxx)
# OpenBLAS itself (cblas.h with openblas_set_num_threads), not whichever BLAS the libblas.so.3
# alternative selects: face/model's GemmFaceEmbedder relies on its speed and thread control.
pkg_check_modules(openblas REQUIRED IMPORTED_TARGET openblas)
find_package(dlib REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(Boost 1.74 REQUIRED)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  # Boost 1.74's Asio detects C++20 coroutines on GCC only; clang 14 has them too.
  add_compile_definitions(BOOST_ASIO_HAS_CO_AWAIT=1 BOOST_ASIO_HAS_STD_COROUTINE=1)
endif()
find_package(GTest REQUIRED)
if(FINDME_BENCH)
  find_package(benchmark REQUIRED)
endif()

# Debian ships OpenCV's CMake package only with the meta package libopencv-dev, which drags in
# every OpenCV module (viz, contrib, ...). We need three, so we name them directly.
find_path(OPENCV_INCLUDE_DIR opencv2/dnn.hpp PATH_SUFFIXES opencv4 REQUIRED)
add_library(findme_opencv INTERFACE)
foreach(module core imgproc dnn)
  find_library(OPENCV_${module}_LIBRARY opencv_${module} REQUIRED)
  target_link_libraries(findme_opencv INTERFACE ${OPENCV_${module}_LIBRARY})
endforeach()
target_include_directories(findme_opencv SYSTEM INTERFACE ${OPENCV_INCLUDE_DIR})
add_library(findme::opencv ALIAS findme_opencv)
