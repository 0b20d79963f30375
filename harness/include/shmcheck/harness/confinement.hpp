#pragma once
// What a driver's surroundings withhold from it: the stage of the fault suite (issue 18). An
// exec: driver started with a Confinement gets a /dev/shm and a /tmp of a given size (tmpfs
// mounts in its own mount namespace, so they need the isolation of exec_implementation.hpp);
// limits on a running driver (file descriptors, address space) and stopping its processes are
// done to it from outside through ExecImplementation::processes().
#include <cstdint>
#include <optional>
#include <string>

namespace shmcheck::harness {

struct Confinement {
  // The size of its private /dev/shm (tmpfs `size=`, rounded up to pages); none: tmpfs's
  // default, half the machine's memory.
  std::optional<std::uint64_t> dev_shm_bytes;
  // A private tmpfs of this size as its temporary directory (TMPDIR=kPrivateTmpDir), so that
  // an implementation that falls back from /dev/shm to the temporary directory (CPython's heap
  // does when /dev/shm looks too small) meets the same shortage there; none: the machine's.
  std::optional<std::uint64_t> tmp_bytes;

  bool mounts() const { return dev_shm_bytes.has_value() || tmp_bytes.has_value(); }
};

// Why a driver cannot be started with `c` on this machine ("" when it can): its mounts need
// a mount namespace of its own (isolation of exec_implementation.hpp).
std::string confinement_unavailable(const Confinement& c);

// Where the private temporary directory is mounted: a directory of the private /dev/shm, not
// /tmp. A tmpfs over /tmp hid everything the machine has there, so a driver built or
// installed under /tmp (a CI job's checkout in `mktemp -d`) could not even be exec'ed (exit
// 127). Inside the private /dev/shm the mount point exists only in the driver's namespace:
// nothing is made on the machine, nothing can be left there. It is a mount of its own, so
// /dev/shm's free space is not the temporary directory's.
inline constexpr const char* kPrivateTmpDir = "/dev/shm/.shmcheck-tmp";

}  // namespace shmcheck::harness
