#pragma once
// Lock: a process-shared, recursive, robust mutex with the semantics of CPython's
// multiprocessing.RLock, and one deliberate improvement.
//
// As RLock: owned by one thread of one process; the owner may acquire again (depth + 1);
// release by anyone else is an AssertionError ("attempt to release recursive lock not owned
// by thread"); acquire(blocking, timeout) returns false when it gives up. A forked child
// does not own a lock its parent held at fork time.
//
// Better than CPython: when the owner dies holding the lock (SIGKILL, crash), the next
// acquirer gets it (EOWNERDEAD is recovered) instead of deadlocking forever (CPython's
// gh-88304). Each recovery is counted in shared memory (owner_deaths()), so tests and
// reports can see it; the data the lock protected may be half-updated, and saying so is
// the caller's business.
//
// Also unlike CPython: when a thread drops the last handle (in its process) to a lock it
// holds, the lock is released. Nobody could release it afterwards, and a robust mutex that
// stays held stays linked into its owner's robust list through its own memory, which the
// allocator then hands to the next object (see Lock.DroppingTheLastHandle... in the tests).
//
// Cost (issue 17; paired, interleaved ratios, bench/paired.hpp: the median of the
// repetitions and, in brackets, its 95 % interval; two `ci/bench` runs in a row on a 2-core AMD EPYC VM with glibc
// 2.36; report/performance.json): uncontended acquire+release pairs 1.07x glibc's
// process-shared robust recursive mutex and 0.84x a plain process-shared pthread mutex, in
// both runs (intervals 1.07-1.07 and 0.84-0.84). On this machine glibc's robust path costs
// about 1.3 times a plain mutex uncontended: it is a large out-of-line function
// (__pthread_mutex_lock_full). On Linux with glibc the uncontended lock and unlock take the
// same steps on the same mutex inline (src/posix/native_mutex.hpp) and leave everything else
// to glibc; the owner and the depth are the mutex's own (the futex word, glibc's count), not
// copies; the one counter the lock adds (first-level acquisitions) shares the mutex's cache
// line. Contended, the blocking wait is ours too, by glibc's futex protocol, and a waiter
// whose futex wait returns at once (the holder released and retook the lock meanwhile)
// sleeps instead of trying again on the CPU (src/posix/native_mutex.cpp says why, with the
// alternatives measured). Two processes contending: 2.75x (2.68-2.81) and 2.75x (2.65-2.82)
// the robust recursive mutex, 1.82x (1.64-2.15) and 2.27x (1.89-2.39) the plain one (both
// marked not settled: repetitions 1.35-2.75), whose own rate spreads 27-50M pairs per second
// between repetitions while this lock's holds at 70-76M, the rate of one process alone;
// waiting on the CPU had given 15M in some runs and 59M in others.

#include <shmcheck/block.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <sys/types.h>

namespace shmcheck {

class Lock {
 public:
  // A new unlocked lock in shared memory.
  static Lock create();

  // Python's acquire(block=True, timeout=None). timeout < 0 is treated as 0 (as CPython's
  // SemLock does); a timeout with blocking=false is ignored.
  bool acquire(bool blocking, std::optional<std::chrono::duration<double>> timeout = std::nullopt);
  bool acquire();  // blocking, no timeout: the hot path of every locked operation (always true)
  bool try_acquire() { return acquire(false); }
  void release();  // AssertionError if the calling thread does not own the lock

  // BasicLockable, so std::lock_guard and std::unique_lock work.
  void lock() { acquire(); }
  void unlock() { release(); }

  bool is_owned() const;            // by the calling thread
  int depth() const;                // recursion depth of the owner (0 when free)
  pid_t owner() const;              // thread id of the owner (0 when free, or, on Linux, dead)
  std::uint64_t owner_deaths() const;  // how many dead owners were recovered
  std::uint64_t acquisitions() const;  // total first-level acquisitions (diagnostics)

  const Block& block() const noexcept;
  // Rebuilds a handle from a block that holds a lock (handles passed across exec).
  static Lock from_block(Block block);
  friend bool operator==(const Lock& a, const Lock& b) noexcept { return a.block() == b.block(); }

 private:
  struct Local;  // the block, shared by this process's copies of the handle
  explicit Lock(Block block);
  std::shared_ptr<Local> local_;
};

// Scoped hold of a Lock (a read-modify-write inside it is atomic).
class [[nodiscard]] Guard {
 public:
  explicit Guard(Lock& lock) : lock_(&lock) { lock_->acquire(); }
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;
  ~Guard() { lock_->release(); }

 private:
  Lock* lock_;
};

}  // namespace shmcheck
