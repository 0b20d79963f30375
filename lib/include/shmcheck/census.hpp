#pragma once
// Census: the process-visible resources that a shared-memory implementation can leak. Tests
// and scenarios take one before and after and compare; anything left behind is a finding.

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

namespace shmcheck {

struct Census {
  std::size_t open_fds = 0;               // entries in /proc/self/fd
  std::size_t map_lines = 0;              // lines in /proc/self/maps
  // Of those, the shared ones (permissions "...s"): what a leaked segment leaves, and not what an
  // allocator's or an interpreter's private arenas add when they grow (pymalloc maps 1 MiB at a time).
  std::size_t shared_map_lines = 0;
  std::vector<std::string> dev_shm;       // names in /dev/shm (POSIX shm and named semaphores)
  std::vector<std::string> sysv_segments; // keys/ids in /proc/sysvipc/shm owned by this user
  std::vector<pid_t> children;            // live child processes of this process
};

Census take_census();
// Empty when nothing grew; otherwise one line per difference ("open fds 12 -> 13", "/dev/shm
// + sem.mp-abc", ...). Shrinking is not a leak and is not reported.
std::vector<std::string> census_growth(const Census& before, const Census& after);

}  // namespace shmcheck
