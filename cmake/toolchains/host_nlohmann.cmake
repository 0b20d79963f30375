# Included by every toolchain file here. nlohmann-json is header-only and the same for every ABI: the drivers use the host's copy.
# The include directory holds only that one symlink, so that no other host header (built for
# x86-64: bits/, gnu/, sys/) can be picked up by the cross compiler.
set(shmcheck_cross_include ${CMAKE_BINARY_DIR}/cross-include)
if(EXISTS /usr/include/nlohmann AND NOT EXISTS ${shmcheck_cross_include}/nlohmann)
  file(MAKE_DIRECTORY ${shmcheck_cross_include})
  file(CREATE_LINK /usr/include/nlohmann ${shmcheck_cross_include}/nlohmann SYMBOLIC)
endif()
if(EXISTS ${shmcheck_cross_include}/nlohmann)
  set(CMAKE_CXX_STANDARD_INCLUDE_DIRECTORIES ${shmcheck_cross_include})
endif()
