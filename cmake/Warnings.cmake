set(FINDME_WARNINGS
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
    -Woverloaded-virtual
    # Designated initializers leave defaulted members out on purpose.
    -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  # Checks FINDME_GUARDED_BY and friends (core/mutex.h); the tsan preset builds with clang.
  list(APPEND FINDME_WARNINGS -Wthread-safety)
endif()
if(CMAKE_UNITY_BUILD AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # A unity batch #includes the .cpp files, so GCC sees their anonymous-namespace types as if a
  # header used them and flags every coroutine frame that holds one: not a problem in a .cpp.
  list(APPEND FINDME_WARNINGS -Wno-subobject-linkage)
endif()
if(FINDME_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC's flow analysis under ASan reports std::optional payloads as maybe-uninitialized where
  # they are not (GCC bug 80635); clang and the release build still check it.
  list(APPEND FINDME_WARNINGS -Wno-maybe-uninitialized)
endif()
if(FINDME_WERROR)
  list(APPEND FINDME_WARNINGS -Werror)
endif()

if(FINDME_SANITIZE)
  # float-cast-overflow is not part of GCC's "undefined" (it is of clang's): a double too large
  # for the int it is cast to must fail the tests as it fails the fuzzers.
  add_compile_options(-fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined,float-cast-overflow)
endif()
if(FINDME_FUZZ)
  # Every library is instrumented for coverage; only the harnesses link libFuzzer's main.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
if(FINDME_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
