#pragma once
// The Boost.Interprocess side of the `boost` implementation: shared regions and locks.
//
// A region is a boost::interprocess::anonymous_shared_memory mapping (MAP_SHARED|MAP_ANONYMOUS):
// zero-filled, shared with every forked child, never named (nothing in /dev/shm), freed by
// the kernel when the last process unmaps it. A lock is an interprocess_recursive_mutex
// constructed in a region, plus its owner and depth, which Boost does not keep: its mutex
// neither reports an owner nor refuses an unlock by a non-owner. Boost's mutex is not robust:
// a lock whose owner died stays locked for good.
#include <boost/interprocess/mapped_region.hpp>
#include <boost/interprocess/sync/interprocess_recursive_mutex.hpp>

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>

namespace shmcheck::drivers {

// Lives in shared memory. The owner fields are written only by the owner, holding the mutex.
struct BoostLockState {
  ::boost::interprocess::interprocess_recursive_mutex mutex;
  std::atomic<pid_t> owner_pid{0};
  std::atomic<pid_t> owner_tid{0};
  std::atomic<int> depth{0};
};
static_assert(std::atomic<pid_t>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
              "the owner fields are shared between processes");

// Where the elements start in a region that begins with the object's own lock.
inline constexpr std::size_t kBoostDataOffset = (sizeof(BoostLockState) + 15) / 16 * 16;

using BoostRegion = std::shared_ptr<::boost::interprocess::mapped_region>;

// A new anonymous shared region of `bytes` (at least 1: mmap refuses 0). Throws
// boost::interprocess::interprocess_exception when the kernel refuses.
BoostRegion boost_region(std::size_t bytes);
// Constructs an unlocked lock at the start of `region`; the pointer keeps the region mapped.
std::shared_ptr<BoostLockState> boost_lock_at(const BoostRegion& region);

// Python's acquire(blocking, timeout): lock, try_lock or timed_lock. A timeout is ignored
// when not blocking; a zero, negative or NaN one tries once; one beyond ~30 years is none.
bool boost_acquire(BoostLockState& s, bool blocking, std::optional<double> timeout);
// AssertionError "attempt to release recursive lock not owned by thread" unless this thread
// of this process owns it.
void boost_release(BoostLockState& s);

}  // namespace shmcheck::drivers
