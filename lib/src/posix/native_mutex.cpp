#include "../robust_mutex.hpp"

#include "../fault.hpp"

#include <shmcheck/error.hpp>

#include <cerrno>
#include <ctime>
#include <new>

namespace shmcheck::detail {

namespace {
[[maybe_unused]] const int fork_hook = pthread_atfork(nullptr, nullptr, [] { this_thread_cache = ThisThread{0, nullptr}; });
}  // namespace

void look_up_this_thread() {
  ThisThread t{static_cast<pid_t>(syscall(SYS_gettid)), nullptr};
#ifdef SHMCHECK_INLINE_ROBUST_MUTEX
  // The head glibc registered for this thread (a fork's child keeps its address; glibc
  // empties the list and registers it again). Used only if it is glibc's, as the kernel
  // knows it: of the size and with the futex offset of glibc's mutexes. Without a robust list
  // (qemu-user answers ENOSYS) every lock operation is glibc's.
  void* head = nullptr;
  std::size_t size = 0;
  if (syscall(SYS_get_robust_list, 0, &head, &size) == 0 && head && size == sizeof(RobustListHead) &&
      static_cast<RobustListHead*>(head)->futex_offset == glibc::kFutexOffset)
    t.head = static_cast<RobustListHead*>(head);
#endif
  this_thread_cache = t;
}

#ifdef SHMCHECK_INLINE_ROBUST_MUTEX
namespace glibc {
namespace {

// Sleeps while the word holds `value`: slept (or a signal came), changed (returned at once:
// the word held something else), or failed (the futex call refused: glibc's wait will meet
// the same and say what).
enum class Waited { slept, changed, failed };
Waited wait_while(int& word, int value) {
  if (syscall(SYS_futex, &word, FUTEX_WAIT, value, nullptr, nullptr, 0) == 0) return Waited::slept;
  if (errno == EAGAIN) return Waited::changed;
  return errno == EINTR ? Waited::slept : Waited::failed;
}
// A waiter whose futex wait returned at once (the word had changed: the holder released and
// took it again meanwhile) sleeps, off the CPU, before it looks again; a real futex sleep
// (woken by an unlock) needs no such pause.
// Why a sleep: a holder that releases and retakes the lock in a loop changes the word faster
// than a waiter can fall asleep, so the waiter's futex wait almost always returns at once.
// Whatever the waiter then does while still on a CPU costs the holder: every kWaiters it sets
// is a wake-up system call at the holder's next unlock, and every look takes the cache line.
// Measured with two processes (bench_locks, Ratio/lock-ref-vs-*/procs:2, pairs per second of
// both; a 2-vCPU AMD EPYC guest, glibc's plain mutex 27-50M there):
//   - trying again at once (glibc's own wait, or its protocol inline): 21-37M, about glibc's
//     robust mutex;
//   - pausing 16 to 256 CPU pauses (0.3-5.5 us) first, the earlier design: 57-59M in some
//     runs, 14-19M in others on the same CPUs at the same round trip (two ci/bench runs had
//     every near repetition at 15M): bimodal, so no ratio held still between two runs;
//   - watching the word with plain loads for a while instead: 18-21M;
//   - sched_yield: 47-51M; 1024 or 4096 pauses: 46-65M;
//   - this sleep: 76-80M near and far alike here, 70-76M near in ci/bench, the rate of one
//     process alone (the waiter sleeps while the holder runs undisturbed).
// The sleep asks for kNapNs; the kernel's timer slack (50 us for an ordinary thread, set by
// prctl(PR_SET_TIMERSLACK) and inherited across fork; none for a real-time thread) decides
// the real length (66-70 us measured on that VM). The price: a waiter napping is not on the
// futex, so a release in the meantime does not wake it; it finds the lock free at the end of
// its nap, up to one timer slack late. A waiter that finds the lock free takes it at once.
// A raw clock_nanosleep: glibc's nanosleep() is a cancellation point, and acquire() never
// was one (pthread_mutex_lock is not).
constexpr long kNapNs = 1000;
void nap() {
  const timespec t{0, kNapNs};
  syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &t, nullptr);  // EINTR: looking sooner is harmless
}
}  // namespace

LockResult wait_then_lock(pthread_mutex_t& m, const ThisThread& t) {
  auto& d = m.__data;
  if (!robust(d.__kind)) return kDeclined;
  // As in glibc's wait, the mutex is this thread's pending list operation for as long as it
  // waits: if the thread dies after a wake-up meant for it and before it took the mutex, the
  // kernel (handle_futex_death: a pending operation on a word without an owner) wakes another
  // waiter in its place, instead of leaving them all asleep on a free mutex.
  RobustListHead& h = *t.head;
  h.list_op_pending = &d.__list.__next;
  compiler_barrier();
  const auto decline = [&h] {
    compiler_barrier();
    h.list_op_pending = nullptr;  // glibc's own path sets it again
    return kDeclined;
  };
  int seen = load(d.__lock);
  int waiters = 0;
  for (;;) {
    if (seen & kOwnerDied) return decline();
    const int holder = seen & kTidMask;
    if (holder == 0) {
      if (seen != 0) return decline();  // kWaiters with no owner: not a state glibc leaves
      const Take took = take_free(m, t, t.tid | waiters, /*waiting=*/true);
      if (took == Take::taken) return LockResult::acquired;          // (pending cleared)
      if (took == Take::not_recoverable) return kDeclined;           // (pending cleared) glibc says so
      seen = load(d.__lock);
      continue;
    }
    if (holder == t.tid) return decline();
    if (!(seen & kWaiters)) {
      int expected = seen;
      if (!atomic(d.__lock).compare_exchange_strong(expected, seen | kWaiters, std::memory_order_relaxed)) {
        seen = expected;
        continue;
      }
      seen |= kWaiters;
    }
    waiters = kWaiters;
    switch (wait_while(d.__lock, seen)) {
      case Waited::slept:
        break;
      case Waited::changed:
        // Taken again by now (or another holder): sleep first. Free: take it at once.
        if (seen = load(d.__lock); (seen & kTidMask) == 0 || (seen & kOwnerDied)) continue;
        nap();
        break;
      case Waited::failed:
        return decline();
    }
    seen = holder;  // the likeliest value now: the same holder, relocked (the CAS checks it)
  }
}

}  // namespace glibc
#endif

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
#ifndef SHMCHECK_GLIBC_MUTEX
  new (&m.holder) std::atomic<pid_t>(0);
  new (&m.count) std::atomic<int>(0);
#endif
  if (rc != 0) throw OSError(rc, "pthread_mutex_init (process-shared, robust)");
}

namespace {

// rc of a pthread lock call; was_mine: the caller held the mutex before it.
LockResult settle(RobustMutex& m, int rc, bool was_mine) {
  LockResult r;
  switch (rc) {
    case 0: r = was_mine ? LockResult::reentered : LockResult::acquired; break;
    case EBUSY: return LockResult::busy;
    case ETIMEDOUT: return LockResult::timed_out;
    case EOWNERDEAD:
      // We own it now; mark it consistent so that it stays usable after our unlock.
      pthread_mutex_consistent(&m.native);
      r = LockResult::recovered;
      break;
    case ENOTRECOVERABLE:
      throw RuntimeError("lock is not recoverable: a previous owner died and it was never made consistent");
    default:
      throw OSError(rc, "pthread_mutex_lock");
  }
#ifndef SHMCHECK_GLIBC_MUTEX
  m.holder.store(current_thread(), std::memory_order_relaxed);
  m.count.store(r == LockResult::reentered ? m.count.load(std::memory_order_relaxed) + 1 : 1, std::memory_order_relaxed);
#endif
  return r;
}

}  // namespace

LockResult robust_mutex_lock(RobustMutex& m, bool blocking, std::optional<std::chrono::nanoseconds> timeout) {
  const bool was_mine = MutexAccess(m).owned_by_me();
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
  return settle(m, rc, was_mine);
}

bool robust_mutex_unlock(RobustMutex& m) {
#ifdef SHMCHECK_GLIBC_MUTEX
  return pthread_mutex_unlock(&m.native) == 0;
#else
  const int count = m.count.load(std::memory_order_relaxed);
  if (!MutexAccess(m).owned_by_me() || count == 0) return false;
  m.count.store(count - 1, std::memory_order_relaxed);
  if (count == 1) m.holder.store(0, std::memory_order_relaxed);
  if (pthread_mutex_unlock(&m.native) == 0) return true;
  m.holder.store(current_thread(), std::memory_order_relaxed);
  m.count.store(count, std::memory_order_relaxed);
  return false;
#endif
}

}  // namespace shmcheck::detail
