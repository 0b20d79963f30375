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
// Inline, as is unlock: around the locked instructions of the mutex nothing overlaps, so each
// call layer shows in an uncontended acquire+release pair (ci/bench).
LockResult robust_mutex_settle(RobustMutex& m, int rc);  // rc of a pthread lock call that was not 0
inline LockResult robust_mutex_lock(RobustMutex& m) {
  const int rc = pthread_mutex_lock(&m.native);
  return rc == 0 ? LockResult::acquired : robust_mutex_settle(m, rc);
}
// blocking=false: try once. timeout: give up after it (monotonic clock). Throws RuntimeError if
// the mutex is unrecoverable, OSError on any other failure.
LockResult robust_mutex_lock(RobustMutex& m, bool blocking,
                             std::optional<std::chrono::nanoseconds> timeout = std::nullopt);
// Returns false (and leaves the mutex alone) when the calling thread does not own it.
inline bool robust_mutex_unlock(RobustMutex& m) { return pthread_mutex_unlock(&m.native) == 0; }

}  // namespace shmcheck::detail
