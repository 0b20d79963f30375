#include "../robust_mutex.hpp"

#include "../fault.hpp"

#include <shmcheck/error.hpp>

#include <cerrno>
#include <ctime>

namespace shmcheck::detail {

std::atomic<unsigned> fork_generation{0};
namespace {
[[maybe_unused]] const int fork_hook = pthread_atfork(nullptr, nullptr, [] { fork_generation.fetch_add(1); });
}  // namespace

void robust_mutex_init(RobustMutex& m, bool recursive) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  // Robust: when the owner dies, the next locker gets EOWNERDEAD instead of waiting forever.
  if (!SHMCHECK_FAULT(owner_death_not_recovered)) pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
  // A recursive mutex also refuses unlock by a non-owner (EPERM), which RLock needs. The
  // arena mutex is error-checking for the same reason, without recursion.
  pthread_mutexattr_settype(&attr, recursive ? PTHREAD_MUTEX_RECURSIVE : PTHREAD_MUTEX_ERRORCHECK);
  const int rc = pthread_mutex_init(&m.native, &attr);
  pthread_mutexattr_destroy(&attr);
  if (rc != 0) throw OSError(rc, "pthread_mutex_init (process-shared, robust)");
}

LockResult robust_mutex_settle(RobustMutex& m, int rc) {
  switch (rc) {
    case 0: return LockResult::acquired;
    case EBUSY: return LockResult::busy;
    case ETIMEDOUT: return LockResult::timed_out;
    case EOWNERDEAD:
      // We own it now; mark it consistent so that it stays usable after our unlock.
      pthread_mutex_consistent(&m.native);
      return LockResult::recovered;
    case ENOTRECOVERABLE:
      throw RuntimeError("lock is not recoverable: a previous owner died and it was never made consistent");
    default:
      throw OSError(rc, "pthread_mutex_lock");
  }
}

LockResult robust_mutex_lock(RobustMutex& m, bool blocking, std::optional<std::chrono::nanoseconds> timeout) {
  int rc;
  if (!blocking) {
    rc = pthread_mutex_trylock(&m.native);
  } else if (timeout) {
    timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    const auto ns = timeout->count() < 0 ? 0 : timeout->count();
    deadline.tv_sec += static_cast<time_t>(ns / 1'000'000'000);
    deadline.tv_nsec += static_cast<long>(ns % 1'000'000'000);
    if (deadline.tv_nsec >= 1'000'000'000) {
      deadline.tv_sec += 1;
      deadline.tv_nsec -= 1'000'000'000;
    }
    rc = pthread_mutex_clocklock(&m.native, CLOCK_MONOTONIC, &deadline);
  } else {
    rc = pthread_mutex_lock(&m.native);
  }
  return robust_mutex_settle(m, rc);
}

}  // namespace shmcheck::detail
