#pragma once
// POSIX half of robust_mutex.hpp (include that one): a process-shared robust pthread mutex
// living in shared memory. Internal.
//
// The uncontended lock and unlock, where the C library is glibc with 64-bit mutexes (its
// doubly linked robust list) and not under ThreadSanitizer (which must see every
// pthread_mutex call), are done here, inline, by the same steps glibc's own robust path takes
// on the same mutex: the compare-and-swap of the futex word from 0 to our thread id, the
// mutex linked into (and out of) this thread's robust list, whose head the kernel gave us
// (get_robust_list), with list_op_pending set around each step so that a death at any point
// is still seen by the kernel. glibc's robust path (__pthread_mutex_lock_full, out of line)
// costs 1.3-1.8 times a plain mutex (ci/bench on 2-core AMD EPYC VMs); the same steps inline
// cost less than a plain mutex's own call. The blocking wait for a mutex another holds is done
// here too, by glibc's protocol, sleeping while the holder retakes it in a loop
// (native_mutex.cpp says why). Everything else (a dead owner, a timeout, a try, an
// unrecoverable mutex, an error) goes to pthread_mutex_*, which finds the mutex exactly as it
// would have left it. Where the kernel gives no robust list (qemu-user) or its head is not
// glibc's, every call is glibc's.

#include <pthread.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <optional>

// SHMCHECK_GLIBC_MUTEX: pthread_mutex_t is glibc's (__data: the futex word, the owner, the
// robust list entry); SHMCHECK_INLINE_ROBUST_MUTEX: with a doubly linked robust list.
#if defined(__linux__) && defined(__GLIBC__)
#define SHMCHECK_GLIBC_MUTEX 1
#if defined(__PTHREAD_MUTEX_HAVE_PREV)
#if __PTHREAD_MUTEX_HAVE_PREV == 1
#define SHMCHECK_INLINE_ROBUST_MUTEX 1
#endif
#endif
#endif
// -DSHMCHECK_NO_INLINE_MUTEX: every lock operation is glibc's (what qemu-user and TSan get).
#if defined(__SANITIZE_THREAD__) || defined(SHMCHECK_NO_INLINE_MUTEX)
#undef SHMCHECK_INLINE_ROBUST_MUTEX
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#undef SHMCHECK_INLINE_ROBUST_MUTEX
#endif
#endif

#ifdef SHMCHECK_INLINE_ROBUST_MUTEX
#include <linux/futex.h>
#endif

namespace shmcheck::detail {

struct RobustMutex {
  pthread_mutex_t native;
#ifndef SHMCHECK_GLIBC_MUTEX
  // Where the mutex's own owner and count are out of reach: kept here by the owner.
  std::atomic<pid_t> holder;
  std::atomic<int> count;
#endif
};

void robust_mutex_init(RobustMutex& m, bool recursive);
// pthread_mutex_lock and its kin (blocking=false: trylock; timeout: clocklock), and what they
// said as a LockResult. Throws RuntimeError if the mutex is unrecoverable, OSError on any
// other failure.
LockResult robust_mutex_lock(RobustMutex& m, bool blocking = true, std::optional<std::chrono::nanoseconds> timeout = std::nullopt);
bool robust_mutex_unlock(RobustMutex& m);  // pthread_mutex_unlock: false if not the owner

// What every lock operation of a thread wants, looked up once per thread: its id (gettid()
// is a system call) and the head of its robust list. A forked child's only thread starts with
// the cache of the thread that forked: a pthread_atfork handler empties it there.
struct RobustListHead {  // the kernel's struct robust_list_head
  void* list;
  long futex_offset;
  void* list_op_pending;
};
struct ThisThread {
  pid_t tid;             // 0: not looked up yet
  RobustListHead* head;  // null: every lock operation is glibc's
};
inline thread_local ThisThread this_thread_cache{0, nullptr};
void look_up_this_thread();
inline const ThisThread& this_thread() {
  if (this_thread_cache.tid == 0) [[unlikely]]
    look_up_this_thread();
  return this_thread_cache;
}
inline pid_t current_thread() { return this_thread().tid; }

#ifdef SHMCHECK_GLIBC_MUTEX
namespace glibc {

// glibc's values (nptl/pthreadP.h): of __owner, a dead owner's mutex not yet made consistent;
// of __kind, the type bits (recursive: 1), the robust bit, and the priority bits (PI, PP) a
// mutex of ours never has.
inline constexpr int kNotRecoverable = INT_MAX - 1;
inline constexpr int kKindTypeMask = 3;
inline constexpr int kKindRecursive = 1;
inline constexpr int kKindRobust = 16;
inline constexpr int kKindRobustMask = 16 | 32 | 64;
inline constexpr int kTidMask = 0x3fffffff;  // FUTEX_TID_MASK
inline constexpr int kWaiters = static_cast<int>(0x80000000u);  // FUTEX_WAITERS
inline constexpr int kOwnerDied = 0x40000000;                     // FUTEX_OWNER_DIED

inline std::atomic_ref<int> atomic(int& field) { return std::atomic_ref<int>(field); }
template <class T>
T load(T& field) {
  return std::atomic_ref<T>(field).load(std::memory_order_relaxed);
}
template <class T>
void store(T& field, T value) {
  std::atomic_ref<T>(field).store(value, std::memory_order_relaxed);
}
inline bool robust(int kind) { return (kind & kKindRobustMask) == kKindRobust; }

// A robust mutex's futex word holds its owner's thread id (cleared by the kernel when the
// owner dies); any other keeps it in __owner. Relaxed: exact for the calling thread (only it
// writes its own id), a snapshot for any other.
inline pid_t owner(pthread_mutex_t& m) {
  if (robust(m.__data.__kind)) return load(m.__data.__lock) & kTidMask;
  return load(m.__data.__owner);
}
inline int depth(pthread_mutex_t& m) { return owner(m) == 0 ? 0 : static_cast<int>(load(m.__data.__count)); }
#endif

#ifdef SHMCHECK_INLINE_ROBUST_MUTEX
// The kernel finds a listed mutex's futex word at this offset from its list entry.
inline constexpr long kFutexOffset = static_cast<long>(offsetof(pthread_mutex_t, __data.__lock)) -
                                     static_cast<long>(offsetof(pthread_mutex_t, __data.__list.__next));

inline void compiler_barrier() { std::atomic_signal_fence(std::memory_order_seq_cst); }
inline void wake_one(int& word) { syscall(SYS_futex, &word, FUTEX_WAKE, 1, nullptr, nullptr, 0); }  // not private: shared

// A list entry points at the __next field of the next entry (or at the head, whose first
// field is its own `list`); the entry proper starts one pointer before (glibc's
// QUEUE_PTR_ADJUST). Before the head, glibc keeps a robust_prev for the same purpose.
inline __pthread_list_t* entry_of(void* next_field) {
  const auto address = reinterpret_cast<std::uintptr_t>(next_field) & ~std::uintptr_t{1};
  return reinterpret_cast<__pthread_list_t*>(address - offsetof(__pthread_list_t, __next));
}

// The acquisition steps of __pthread_mutex_lock_full for a robust mutex seen free: the futex
// word from 0 to `value` (our thread id, with kWaiters when others may sleep on it), the
// mutex linked into this thread's robust list. Nothing changed when another thread took it
// first (but a waiter keeps the mutex as its pending list operation: wait_then_lock) or when
// the mutex is not recoverable.
enum class Take { taken, lost_race, not_recoverable };
inline Take take_free(pthread_mutex_t& m, const ThisThread& t, int value, bool waiting = false) {
  auto& d = m.__data;
  RobustListHead& h = *t.head;
  h.list_op_pending = &d.__list.__next;
  compiler_barrier();
  int expected = 0;
  if (!atomic(d.__lock).compare_exchange_strong(expected, value, std::memory_order_acquire, std::memory_order_relaxed)) {
    if (!waiting) h.list_op_pending = nullptr;
    return Take::lost_race;
  }
  if (load(d.__owner) == kNotRecoverable) {
    // Not ours to use: glibc says so (ENOTRECOVERABLE) once we let go again.
    if (atomic(d.__lock).exchange(0, std::memory_order_release) & kWaiters) wake_one(d.__lock);
    compiler_barrier();
    h.list_op_pending = nullptr;
    return Take::not_recoverable;
  }
  store(d.__count, 1u);
  compiler_barrier();
  // ENQUEUE_MUTEX: at the front of this thread's list.
  void* const first = h.list;
  entry_of(first)->__prev = reinterpret_cast<__pthread_list_t*>(&d.__list.__next);
  d.__list.__next = static_cast<__pthread_list_t*>(first);
  d.__list.__prev = reinterpret_cast<__pthread_list_t*>(&h);
  compiler_barrier();
  h.list = &d.__list.__next;
  compiler_barrier();
  h.list_op_pending = nullptr;
  store(d.__owner, t.tid);
  ++d.__nusers;
  return Take::taken;
}

// What __pthread_mutex_lock_full does for a robust mutex that is free, or that the caller
// holds and is recursive. Anything else (held by another, a dead owner, a counter about to
// overflow, not recoverable) is left to the caller: kDeclined (nothing changed).
inline constexpr LockResult kDeclined = LockResult::busy;  // never an answer of this path
inline LockResult lock(pthread_mutex_t& m, const ThisThread& t) {
  auto& d = m.__data;
  const int word = load(d.__lock);
  const int kind = d.__kind;
  if (!robust(kind)) return kDeclined;
  if (word != 0) {
    if ((word & kTidMask) != t.tid || (kind & kKindTypeMask) != kKindRecursive || d.__count + 1 == 0) return kDeclined;
    store(d.__count, d.__count + 1u);
    return LockResult::reentered;
  }
  return take_free(m, t, t.tid) == Take::taken ? LockResult::acquired : kDeclined;
}

// The wait of __pthread_mutex_lock_full for a robust mutex another live thread holds, by the
// same protocol (kWaiters in the word, a futex wait on it, kWaiters kept in the word once
// taken: another may still sleep, our unlock must wake one), so that both paths may meet on
// one mutex. kDeclined (nothing changed but kWaiters) on a dead owner or anything unexpected:
// glibc takes it from there. Why not glibc's own wait: native_mutex.cpp.
LockResult wait_then_lock(pthread_mutex_t& m, const ThisThread& t);  // native_mutex.cpp: not the hot path

// What __pthread_mutex_unlock_full does for a robust mutex the caller holds and that is
// consistent: true, one level released. False (nothing changed) in every other case.
inline bool unlock(pthread_mutex_t& m, const ThisThread& t) {
  auto& d = m.__data;
  if ((load(d.__lock) & kTidMask) != t.tid || load(d.__owner) != t.tid || !robust(d.__kind)) return false;
  if (d.__count > 1) {  // only a recursive mutex counts past 1
    store(d.__count, d.__count - 1u);
    return true;
  }
  RobustListHead& h = *t.head;
  h.list_op_pending = &d.__list.__next;
  compiler_barrier();
  // DEQUEUE_MUTEX
  entry_of(d.__list.__next)->__prev = d.__list.__prev;
  entry_of(d.__list.__prev)->__next = d.__list.__next;
  compiler_barrier();
  d.__list.__prev = nullptr;
  d.__list.__next = nullptr;
  store(d.__count, 0u);
  store(d.__owner, 0);
  --d.__nusers;
  if (atomic(d.__lock).exchange(0, std::memory_order_release) & kWaiters) wake_one(d.__lock);
  compiler_barrier();
  h.list_op_pending = nullptr;
  return true;
}
#endif
#ifdef SHMCHECK_GLIBC_MUTEX
}  // namespace glibc
#endif

// The mutex is in memory every process maps: its address is all a process needs.
class MutexAccess {
 public:
  explicit MutexAccess(RobustMutex& m) noexcept : m_(&m) {}
  // The hot path of every locked operation: no optional to build, pass and test. Inline, as
  // is unlock, and whatever is not the inline path is one call away: around the locked
  // instructions of the mutex nothing overlaps, so each call layer shows.
  LockResult lock() {
#ifdef SHMCHECK_INLINE_ROBUST_MUTEX
    if (const auto& t = this_thread(); t.head) {
      if (const auto r = glibc::lock(m_->native, t); r != glibc::kDeclined) [[likely]]
        return r;
      if (const auto r = glibc::wait_then_lock(m_->native, t); r != glibc::kDeclined) return r;
    }
#endif
    return robust_mutex_lock(*m_);
  }
  // blocking=false: try once. timeout: give up after it (monotonic clock).
  LockResult lock(bool blocking, std::optional<std::chrono::nanoseconds> timeout) {
#ifdef SHMCHECK_INLINE_ROBUST_MUTEX
    if (const auto& t = this_thread(); t.head)
      if (const auto r = glibc::lock(m_->native, t); r != glibc::kDeclined) return r;
#endif
    return robust_mutex_lock(*m_, blocking, timeout);
  }
  bool unlock() {
#ifdef SHMCHECK_INLINE_ROBUST_MUTEX
    if (const auto& t = this_thread(); t.head && glibc::unlock(m_->native, t)) return true;
#endif
    return robust_mutex_unlock(*m_);
  }
  // The owner's thread id (0 when free; with a robust mutex on Linux also once its owner died:
  // the kernel clears it).
  pid_t owner() const {
#ifdef SHMCHECK_GLIBC_MUTEX
    return glibc::owner(m_->native);
#else
    return m_->holder.load(std::memory_order_relaxed);
#endif
  }
  bool owned_by_me() const { return owner() == current_thread(); }
  int depth() const {
#ifdef SHMCHECK_GLIBC_MUTEX
    return glibc::depth(m_->native);
#else
    return m_->count.load(std::memory_order_relaxed);
#endif
  }

 private:
  RobustMutex* m_;
};

inline std::size_t page_size() { return static_cast<std::size_t>(sysconf(_SC_PAGESIZE)); }
inline void at_fork(void (*prepare)(), void (*parent)(), void (*child)()) { pthread_atfork(prepare, parent, child); }

}  // namespace shmcheck::detail
