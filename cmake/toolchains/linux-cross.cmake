# A cross build for one foreign Linux ABI with Debian's cross toolchains (g++-TRIPLE), run
# under qemu-user:
#   cmake -S . -B build-cross/linux-armhf -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/linux-cross.cmake \
#         -DSHMCHECK_CROSS_TRIPLE=arm-linux-gnueabihf
# Programs are linked -static: qemu-user then needs no root filesystem, and a driver exec'ing
# itself needs only the emulator. ctest runs test programs through CMAKE_CROSSCOMPILING_EMULATOR.
#
#   SHMCHECK_CROSS_TRIPLE    x86_64-linux-gnu (under qemu: the control), i686-linux-gnu, arm-linux-gnueabihf, aarch64-linux-gnu,
#                            riscv64-linux-gnu, s390x-linux-gnu, powerpc64le-linux-gnu
#                            (or the environment variable of the same name)
#   SHMCHECK_CROSS_EMULATOR  default: the qemu-user program of the triple's architecture

set(SHMCHECK_CROSS_TRIPLE "$ENV{SHMCHECK_CROSS_TRIPLE}" CACHE STRING "Target triple of the Debian cross toolchain (e.g. arm-linux-gnueabihf)")
if(NOT SHMCHECK_CROSS_TRIPLE)
  message(FATAL_ERROR "linux-cross.cmake: set -DSHMCHECK_CROSS_TRIPLE=TRIPLE (e.g. arm-linux-gnueabihf)")
endif()
# try_compile projects read this file again: they need the triple too.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES SHMCHECK_CROSS_TRIPLE SHMCHECK_CROSS_EMULATOR)
set(triple ${SHMCHECK_CROSS_TRIPLE})

# Architecture (CMAKE_SYSTEM_PROCESSOR) and qemu-user program of each triple. riscv64's GCC
# compiles some atomics (1- and 2-byte std::atomic_ref) into calls to libatomic.
set(shmcheck_needs_libatomic OFF)
if(triple MATCHES "^i[3-6]86-")
  set(processor i686)
  set(emulator qemu-i386)
elseif(triple MATCHES "^x86_64-linux-")
  # This machine's own ABI, built alike and run under qemu-user: the emulator's control
  # (linux-x86_64-qemu), where a difference from the native run is qemu's.
  set(processor x86_64)
  set(emulator qemu-x86_64)
elseif(triple MATCHES "^arm")
  set(processor arm)
  set(emulator qemu-arm)
elseif(triple MATCHES "^aarch64-")
  set(processor aarch64)
  set(emulator qemu-aarch64)
elseif(triple MATCHES "^riscv64-")
  set(processor riscv64)
  set(emulator qemu-riscv64)
  set(shmcheck_needs_libatomic ON)
elseif(triple MATCHES "^s390x-")
  set(processor s390x)
  set(emulator qemu-s390x)
elseif(triple MATCHES "^powerpc64le-")
  set(processor ppc64le)
  set(emulator qemu-ppc64le)
else()
  message(FATAL_ERROR "linux-cross.cmake: no architecture known for triple '${triple}'")
endif()

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${processor})
set(CMAKE_C_COMPILER ${triple}-gcc)
set(CMAKE_CXX_COMPILER ${triple}-g++)

find_program(shmcheck_emulator_path ${emulator})
set(SHMCHECK_CROSS_EMULATOR "${shmcheck_emulator_path}" CACHE STRING "Emulator that runs the target's programs (qemu-user)")
if(SHMCHECK_CROSS_EMULATOR)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${SHMCHECK_CROSS_EMULATOR})
endif()

set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
if(shmcheck_needs_libatomic)
  # Last on the link line, after every object that may call it.
  set(CMAKE_CXX_STANDARD_LIBRARIES "-latomic")
  set(CMAKE_C_STANDARD_LIBRARIES "-latomic")
endif()

# Libraries and headers of the target only (Debian's multiarch-less cross root), programs of
# the host.
set(CMAKE_FIND_ROOT_PATH /usr/${triple})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

include(${CMAKE_CURRENT_LIST_DIR}/host_nlohmann.cmake)  # the host's nlohmann-json headers, nothing else of its
