# GoogleTest for builds that may not find an installed one: a cross build (mingw-w64) has no
# GTest of its target, so it compiles Debian's sources (/usr/src/googletest, package
# googletest; GTEST_SOURCE_DIR elsewhere, e.g. MSYS2's own) into the build instead. A native
# build uses the installed package, as the full build does.
if(TARGET GTest::gtest_main)
  return()
endif()
if(NOT CMAKE_CROSSCOMPILING)
  find_package(GTest QUIET)
endif()
if(NOT TARGET GTest::gtest_main)
  set(GTEST_SOURCE_DIR /usr/src/googletest CACHE PATH "GoogleTest's sources, for a build with no installed GTest")
  if(NOT EXISTS ${GTEST_SOURCE_DIR}/CMakeLists.txt)
    message(FATAL_ERROR "no GoogleTest: neither an installed one nor its sources in GTEST_SOURCE_DIR (${GTEST_SOURCE_DIR})")
  endif()
  set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
  set(BUILD_GMOCK OFF CACHE BOOL "" FORCE)
  if(WIN32)
    set(gtest_disable_pthreads ON CACHE BOOL "" FORCE)  # its Win32 threads: no winpthread needed
  endif()
  add_subdirectory(${GTEST_SOURCE_DIR} ${CMAKE_BINARY_DIR}/googletest EXCLUDE_FROM_ALL SYSTEM)
  if(NOT TARGET GTest::gtest_main)  # GoogleTest 1.12 makes these aliases itself; older ones not
    add_library(GTest::gtest ALIAS gtest)
    add_library(GTest::gtest_main ALIAS gtest_main)
  endif()
endif()
