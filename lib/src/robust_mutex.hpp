#pragma once
// The one primitive under Lock (recursive) and under each arena's allocator (not recursive): a
// mutex whose state lives in shared memory and whose owner's death is reported to the next
// locker instead of blocking it forever. Internal, platform-neutral: the code that uses it
// (lock.cpp, block.cpp) includes this header only.
//
// Each platform folder (lib/CMakeLists.txt puts the one for CMAKE_SYSTEM_NAME on the include
// path) provides "native_mutex.hpp" with:
//   struct RobustMutex        the part in shared memory (standard layout, no pointers)
//   void robust_mutex_init(RobustMutex&, bool recursive)
//   class MutexAccess         this process's way to one RobustMutex, built from it after its
//                             init and kept as long as the process uses it:
//       LockResult lock();    waits as long as it takes (the hot path)
//       LockResult lock(bool blocking, std::optional<std::chrono::nanoseconds> timeout);
//       bool unlock();        false (nothing changed) when the caller does not own it
//       pid_t owner() const;  the owner's thread id, 0 when free; relaxed: exact for the
//                             calling thread, a snapshot for others
//       bool owned_by_me() const;
//       int depth() const;    the owner's acquisitions not yet released (0 when free)
//   pid_t current_thread()    the calling thread, unique across the machine's processes
//   std::size_t page_size()
//   void at_fork(prepare, parent, child)   pthread_atfork where fork exists, else nothing
// POSIX: a robust pthread mutex, the access is its address. Windows: a named kernel mutex
// (WAIT_ABANDONED reports a dead owner), the access holds this process's handle to it.

#include <chrono>
#include <optional>

namespace shmcheck::detail {

enum class LockResult {
  acquired,
  reentered,  // by its owner, one level deeper (a recursive mutex)
  recovered,  // acquired, and the previous owner had died holding it (made consistent again)
  busy,       // non-blocking attempt failed
  timed_out,
};

}  // namespace shmcheck::detail

#include "native_mutex.hpp"
