#include "cases.hpp"

#include <shmcheck/error.hpp>

#include <algorithm>

namespace shmcheck::faults {

namespace {
constexpr std::uint64_t KiB = 1024, MiB = 1024 * KiB;
}

std::vector<FaultCase> fault_cases() {
  return {
      // Docker's default /dev/shm: a few megabytes fit, a big array does not.
      {"faults/shm-64mib", FaultKind::small_filesystem, "/dev/shm and TMPDIR of 64 MiB (Docker's default)", 64 * MiB, 0,
       {1 * MiB, 8'000'000, 96 * MiB}},
      // The case of the issue: RawArray('b', 8_000_000) where 1 MiB is all there is.
      {"faults/shm-1mib", FaultKind::small_filesystem, "/dev/shm and TMPDIR of 1 MiB", 1 * MiB, 0, {64 * KiB, 8'000'000}},
      // Smaller than one object of the two.
      {"faults/shm-64kib", FaultKind::small_filesystem, "/dev/shm and TMPDIR of 64 KiB, smaller than one object", 64 * KiB, 0,
       {4 * KiB, 1 * MiB}},
      // Space taken away after creation: where a sparse object meets SIGBUS.
      {"faults/full-during-use", FaultKind::full_during_use,
       "/dev/shm and TMPDIR of 32 MiB, filled by another process between creation and first use", 32 * MiB, 0, {8'000'000}},
      {"faults/few-descriptors", FaultKind::few_descriptors, "RLIMIT_NOFILE at what the driver holds open plus 16", 0, 16,
       {1 * MiB}, 128},
      {"faults/little-memory", FaultKind::little_memory, "RLIMIT_AS at the driver's address space plus 256 MiB", 0, 256 * MiB,
       {1 * MiB, 64 * MiB, 1024 * MiB}},
      {"faults/stopped-holder", FaultKind::stopped_holder,
       "the process holding a lock is stopped (SIGSTOP) while others wait with acquire(timeout=0.5), then continued", 0, 0, {},
       0, 0.5},
  };
}

std::vector<FaultCase> select_fault_cases(const std::vector<std::string>& selected) {
  std::vector<FaultCase> all = fault_cases(), out;
  if (selected.empty() || std::find(selected.begin(), selected.end(), "all") != selected.end()) return all;
  for (const auto& want : selected) {
    const std::string id = want.rfind("faults/", 0) == 0 ? want : "faults/" + want;
    const auto it = std::find_if(all.begin(), all.end(), [&](const FaultCase& c) { return c.id == id; });
    if (it == all.end()) throw ValueError("no fault case '" + want + "' (shmcheck faults --list lists them)");
    if (std::none_of(out.begin(), out.end(), [&](const FaultCase& c) { return c.id == id; })) out.push_back(*it);
  }
  return out;
}

}  // namespace shmcheck::faults
