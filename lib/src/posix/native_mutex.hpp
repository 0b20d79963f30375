#pragma once
// POSIX half of robust_mutex.hpp (include that one): a process-shared robust pthread mutex
// living in shared memory. Internal.

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <optional>

namespace shmcheck::detail {

struct RobustMutex {
  pthread_mutex_t native;
};

void robust_mutex_init(RobustMutex& m, bool recursive);
LockResult robust_mutex_settle(RobustMutex& m, int rc);  // rc of a pthread lock call that was not 0
// Throws RuntimeError if the mutex is unrecoverable, OSError on any other failure.
LockResult robust_mutex_lock(RobustMutex& m, bool blocking, std::optional<std::chrono::nanoseconds> timeout);

// The mutex is in memory every process maps: its address is all a process needs.
class MutexAccess {
 public:
  explicit MutexAccess(RobustMutex& m) noexcept : m_(&m) {}
  // The hot path of every locked operation: no optional to build, pass and test (that alone
  // cost a third of an uncontended acquire+release in ci/bench). Inline, as is unlock: around
  // the locked instructions of the mutex nothing overlaps, so each call layer shows.
  LockResult lock() {
    const int rc = pthread_mutex_lock(&m_->native);
    return rc == 0 ? LockResult::acquired : robust_mutex_settle(*m_, rc);
  }
  // blocking=false: try once. timeout: give up after it (monotonic clock).
  LockResult lock(bool blocking, std::optional<std::chrono::nanoseconds> timeout) {
    return robust_mutex_lock(*m_, blocking, timeout);
  }
  bool unlock() { return pthread_mutex_unlock(&m_->native) == 0; }

 private:
  RobustMutex* m_;
};

// gettid() is a system call; the lock's owner checks want it on every acquire and release, so
// it is cached per thread. A forked child's thread inherits the cache of the thread that
// forked, so a fork bumps the generation and the child looks its thread id up again.
extern std::atomic<unsigned> fork_generation;
inline pid_t current_thread() {
  thread_local unsigned generation = ~0u;
  thread_local pid_t tid = 0;
  const unsigned now = fork_generation.load(std::memory_order_relaxed);
  if (generation != now) {
    tid = static_cast<pid_t>(syscall(SYS_gettid));
    generation = now;
  }
  return tid;
}

inline std::size_t page_size() { return static_cast<std::size_t>(sysconf(_SC_PAGESIZE)); }
inline void at_fork(void (*prepare)(), void (*parent)(), void (*child)()) { pthread_atfork(prepare, parent, child); }

}  // namespace shmcheck::detail
