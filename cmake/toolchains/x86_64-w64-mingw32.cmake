# Cross build for 64-bit Windows with Debian's mingw-w64 (package g++-mingw-w64-x86-64),
# its POSIX thread model (x86_64-w64-mingw32-g++-posix: std::thread and std::mutex need it),
# everything linked statically (libgcc, libstdc++, winpthread), so that the .exe runs under
# wine or on Windows with no DLL to find. ctest runs the tests through wine
# (CMAKE_CROSSCOMPILING_EMULATOR); set WINEPREFIX to a scratch directory first.
#
#   cmake -S . -B build-win --toolchain cmake/toolchains/x86_64-w64-mingw32.cmake -DSHMCHECK_DRIVER_ONLY=ON
#   cmake -S . -B build-win-lib --toolchain cmake/toolchains/x86_64-w64-mingw32.cmake \
#         -DSHMCHECK_LIBRARY_ONLY=ON -DSHMCHECK_LIBRARY_TESTS=ON
# (ci/cross-windows does both.)
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(SHMCHECK_MINGW_TRIPLE x86_64-w64-mingw32)

set(CMAKE_C_COMPILER ${SHMCHECK_MINGW_TRIPLE}-gcc-posix)
set(CMAKE_CXX_COMPILER ${SHMCHECK_MINGW_TRIPLE}-g++-posix)
set(CMAKE_RC_COMPILER ${SHMCHECK_MINGW_TRIPLE}-windres)
set(CMAKE_FIND_ROOT_PATH /usr/${SHMCHECK_MINGW_TRIPLE})
# Programs from the host; libraries and headers from the target's root only, except what a
# cross build may take from the host on purpose (header-only nlohmann-json: see the end).
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# -static: winpthread too (it would otherwise be libwinpthread-1.dll next to the .exe).
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")

find_program(SHMCHECK_WINE NAMES wine wine64)
if(SHMCHECK_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${SHMCHECK_WINE})
endif()

# GCC 12's -Wrestrict reports std::string's own inlined memcpy at -O2 (GCC bug 105651, a false
# positive the native GCC 12 happens not to hit with this code): silenced here only.
set(CMAKE_CXX_FLAGS_INIT "-Wno-restrict")

include(${CMAKE_CURRENT_LIST_DIR}/host_nlohmann.cmake)  # the host's nlohmann-json headers, nothing else of its
