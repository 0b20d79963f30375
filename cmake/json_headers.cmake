# nlohmann-json for SHMCHECK_DRIVER_ONLY: header-only, so a cross build can use the host's
# (Debian's nlohmann-json3-dev) — but not through its CMake package, whose include directory is
# /usr/include, which would put the host's C library headers before the target's. Only the
# nlohmann/ folder is copied into the build tree and used from there. NLOHMANN_JSON_INCLUDE
# names another folder holding nlohmann/json.hpp (e.g. MSYS2's /mingw64/include).
if(TARGET nlohmann_json::nlohmann_json)
  return()
endif()
set(NLOHMANN_JSON_INCLUDE /usr/include CACHE PATH "A folder holding nlohmann/json.hpp")
if(NOT EXISTS ${NLOHMANN_JSON_INCLUDE}/nlohmann/json.hpp)
  message(FATAL_ERROR "no nlohmann/json.hpp in NLOHMANN_JSON_INCLUDE (${NLOHMANN_JSON_INCLUDE}): install nlohmann-json3-dev or set it")
endif()
file(COPY ${NLOHMANN_JSON_INCLUDE}/nlohmann DESTINATION ${CMAKE_BINARY_DIR}/json-headers)
add_library(nlohmann_json INTERFACE)
target_include_directories(nlohmann_json SYSTEM INTERFACE ${CMAKE_BINARY_DIR}/json-headers)
add_library(nlohmann_json::nlohmann_json ALIAS nlohmann_json)
