// The seeded faults: one row each, in the order of the Fault enumeration (src/fault.hpp). Built
// only into shmcheck_ref_mutable.
#include "fault.hpp"

#include <shmcheck/faults.hpp>

#include <array>
#include <atomic>
#include <cstddef>

namespace shmcheck {
namespace {

using detail::Fault;

struct Row {
  Fault id;
  mutant::FaultInfo info;
};

// The name is the enumerator's, so the two cannot drift apart.
#define SHMCHECK_FAULT_ROW(id, suite, description) Row{Fault::id, {#id, suite, description}}

// suite: the suite expected to catch the fault first. "spec" rows are checked by a unit test
// (drivers/tests): the spec suite must fail on each of them.
constexpr Row kRows[] = {
    SHMCHECK_FAULT_ROW(lock_no_exclusion, "spec", "acquire always succeeds without taking the mutex"),
    SHMCHECK_FAULT_ROW(lock_not_recursive, "spec", "the lock is error-checking, not recursive: a second acquire by its owner fails"),
    SHMCHECK_FAULT_ROW(lock_kept_on_error, "property", "an operation that raises inside the locked region leaves the lock held"),
    SHMCHECK_FAULT_ROW(lock_released_early, "stress", "an operation on a synchronized object releases its lock before the access"),
    SHMCHECK_FAULT_ROW(owner_death_not_recovered, "lifetime", "mutexes are not robust: a lock whose owner died is never acquired again"),
    SHMCHECK_FAULT_ROW(no_zero_fill, "spec", "a reused block is not zero-filled"),
    SHMCHECK_FAULT_ROW(index_off_by_one, "spec", "the bounds check accepts index == length"),
    SHMCHECK_FAULT_ROW(negative_index_not_wrapped, "spec", "a negative index is not wrapped (IndexError)"),
    SHMCHECK_FAULT_ROW(long_as_4_bytes, "spec", "'l' is stored and loaded as 4 bytes"),
    SHMCHECK_FAULT_ROW(float_as_double, "spec", "'f' is stored and loaded as a double: no float32 rounding"),
    SHMCHECK_FAULT_ROW(integer_saturates, "spec", "an integer store saturates at the type's range instead of wrapping"),
    SHMCHECK_FAULT_ROW(torn_8_byte_stores, "stress", "8-byte stores are two 4-byte halves with a yield between"),
    SHMCHECK_FAULT_ROW(slice_length_mismatch_accepted, "spec", "a slice assignment of the wrong length writes min(len) items silently"),
    SHMCHECK_FAULT_ROW(c_value_no_terminator, "spec", "setting a 'c' array's value to shorter bytes writes no NUL"),
    SHMCHECK_FAULT_ROW(copy_aliases, "spec", "copy() returns a handle to the same memory"),
    SHMCHECK_FAULT_ROW(segment_leaked, "lifetime", "a segment is never unmapped and its descriptor never closed"),
    SHMCHECK_FAULT_ROW(shm_name_left_behind, "lifetime", "segments are shm_open objects whose names are never unlinked"),
    SHMCHECK_FAULT_ROW(freed_while_child_uses, "lifetime", "fork does not add the child's block references: blocks are freed while it uses them"),
    // Intermittent: whether a case sees it depends on how many stores the process made before,
    // so re-running a failing case can pass. It is what keeps the property suite's budgets
    // and its shrinking of flaky failures honest (properties/search.cpp).
    SHMCHECK_FAULT_ROW(store_dropped_sometimes, "property", "one element store in 64 is silently dropped (a counter per process)"),
    // What CPython 3.7+ does (a sparse file in /dev/shm or the temporary directory): the
    // creation succeeds, and a full filesystem at the first touch of a page is a SIGBUS.
    SHMCHECK_FAULT_ROW(pages_not_reserved, "faults",
                       "segments are shm_open objects whose pages are not reserved at creation (no posix_fallocate)"),
};

#undef SHMCHECK_FAULT_ROW

constexpr std::size_t kCount = std::size(kRows);
static_assert(kCount == static_cast<std::size_t>(Fault::count) - 1, "one row per fault");
constexpr bool in_enum_order() {
  for (std::size_t k = 0; k < kCount; ++k)
    if (kRows[k].id != static_cast<Fault>(k + 1)) return false;
  return true;
}
static_assert(in_enum_order(), "rows in the order of the Fault enumeration");

constexpr std::array<mutant::FaultInfo, kCount> kInfos = [] {
  std::array<mutant::FaultInfo, kCount> out{};
  for (std::size_t k = 0; k < kCount; ++k) out[k] = kRows[k].info;
  return out;
}();

std::atomic<Fault> selected{Fault::none};

}  // namespace

bool detail::fault_active(Fault f) noexcept { return selected.load(std::memory_order_relaxed) == f; }

std::span<const mutant::FaultInfo> mutant::faults() noexcept { return kInfos; }

bool mutant::select_fault(std::string_view name) noexcept {
  if (name == "none") {
    selected.store(Fault::none);
    return true;
  }
  for (const Row& r : kRows)
    if (r.info.name == name) {
      selected.store(r.id);
      return true;
    }
  return false;
}

}  // namespace shmcheck
