#pragma once
// The fault suite's cases, as data: which fault, how big, which objects the ordinary
// operations run on. FAULTS.md says what each checks and why; procedures.hpp runs them.
#include <cstdint>
#include <string>
#include <vector>

namespace shmcheck::faults {

enum class FaultKind {
  small_filesystem,  // /dev/shm and TMPDIR tmpfs of `filesystem_bytes` from the start
  full_during_use,   // the same, filled by another process between creation and first use
  few_descriptors,   // RLIMIT_NOFILE: what the driver holds open plus `margin`
  little_memory,     // RLIMIT_AS: the driver's address space plus `margin`
  stopped_holder,    // the process holding a lock is SIGSTOPped while others wait
};

struct FaultCase {
  std::string id;     // "faults/shm-1mib"
  FaultKind kind;
  std::string fault;  // the fault, in words for the report
  std::uint64_t filesystem_bytes = 0;     // small_filesystem, full_during_use
  std::uint64_t margin = 0;               // few_descriptors (descriptors), little_memory (bytes)
  std::vector<std::uint64_t> objects;     // array sizes in bytes ('b'), made in this order
  int object_cap = 0;                     // few_descriptors: at most this many objects and locks
  double timeout_s = 0;                   // stopped_holder: acquire(timeout=) of the waiters
};

std::vector<FaultCase> fault_cases();
// The cases `selected` names (ids, with or without "faults/"); all when empty or "all".
// ValueError for a name that is none.
std::vector<FaultCase> select_fault_cases(const std::vector<std::string>& selected);

}  // namespace shmcheck::faults
