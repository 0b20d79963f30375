# The driver-only build (SHMCHECK_DRIVER_ONLY): lib, protocol, drivers, no tests, no harness.
# Included from the top CMakeLists.txt, which returns after it.
find_package(nlohmann_json QUIET)
if(NOT nlohmann_json_FOUND)
  # A cross toolchain searches its own sysroot, which has no nlohmann-json; the headers are the
  # same for every ABI, so the host's are used through a directory that holds only them
  # (cmake/toolchains/linux-cross.cmake makes it), never the host's whole /usr/include.
  set(SHMCHECK_NLOHMANN_INCLUDE "${CMAKE_CXX_STANDARD_INCLUDE_DIRECTORIES}" CACHE PATH
      "A directory holding nlohmann/json.hpp (and nothing else of the host's)")
  if(NOT EXISTS "${SHMCHECK_NLOHMANN_INCLUDE}/nlohmann/json.hpp")
    message(FATAL_ERROR "SHMCHECK_DRIVER_ONLY: no nlohmann-json for this target: set SHMCHECK_NLOHMANN_INCLUDE to a directory "
                        "with nlohmann/json.hpp (got '${SHMCHECK_NLOHMANN_INCLUDE}')")
  endif()
  add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
  set_target_properties(nlohmann_json::nlohmann_json PROPERTIES INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${SHMCHECK_NLOHMANN_INCLUDE}"
                                                                INTERFACE_INCLUDE_DIRECTORIES "${SHMCHECK_NLOHMANN_INCLUDE}")
endif()
add_subdirectory(lib)
add_subdirectory(protocol)
add_subdirectory(drivers)
