#pragma once
// A process-shared robust pthread mutex living in shared memory: the one primitive under
// Lock (recursive) and under each arena's allocator (not recursive). Internal.

#include <pthread.h>

#include <chrono>
#include <optional>

namespace shmcheck::detail {

struct RobustMutex {
  pthread_mutex_t native;
};

enum class LockResult {
  acquired,
  recovered,  // acquired, and the previous owner had died holding it (made consistent again)
  busy,       // non-blocking attempt failed
  timed_out,
};

void robust_mutex_init(RobustMutex& m, bool recursive);
// Waits as long as it takes. Apart from the general form below because it is the hot path of
// every locked operation: no optional to build, pass and test (that alone cost a third of an
// uncontended acquire+release in ci/bench).
LockResult robust_mutex_lock(RobustMutex& m);
// blocking=false: try once. timeout: give up after it (monotonic clock). Throws RuntimeError if
// the mutex is unrecoverable, OSError on any other failure.
LockResult robust_mutex_lock(RobustMutex& m, bool blocking,
                             std::optional<std::chrono::nanoseconds> timeout = std::nullopt);
// Returns false (and leaves the mutex alone) when the calling thread does not own it.
bool robust_mutex_unlock(RobustMutex& m);

}  // namespace shmcheck::detail
