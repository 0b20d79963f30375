#pragma once
// Windows half of robust_mutex.hpp (include that one). Internal.
//
// A Windows mutex is a kernel object, not memory: what lives in the shared block is a random
// 64-bit id naming one (Local\shmcheck-mutex-<id>), and each process that uses the lock opens
// its own handle to it (MutexAccess), created by whichever process comes first. Windows
// mutexes are recursive; when the owner dies holding one, the next waiter gets it with
// WAIT_ABANDONED, the counterpart of a robust pthread mutex's EOWNERDEAD.
//
// The kernel object lives while some process has a handle to it, and a process opens its
// handle when it first locks (70,000 locks cost nothing until used) and keeps it while it
// holds the Lock or maps the arena. If the owner dies while others have the mutex open, the
// next waiter gets WAIT_ABANDONED. If nobody else had it open, the object goes with the dead
// owner and the next locker creates it afresh, unowned: the shared `count` left above zero by a
// holder other than the caller tells that death apart, and it is reported as a recovery all
// the same.

#include "win32.hpp"

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace shmcheck::detail {

struct RobustMutex {
  std::uint64_t id;                   // names the kernel mutex
  std::uint32_t recursive;            // 0: a second acquire by the owner is an error (POSIX's ERRORCHECK)
  std::atomic<std::uint32_t> holder;  // thread id while held, else 0
  std::atomic<std::uint32_t> count;   // the holder's acquisitions not yet released
};

void robust_mutex_init(RobustMutex& m, bool recursive);

class MutexAccess {
 public:
  explicit MutexAccess(RobustMutex& m) noexcept : m_(&m) {}
  ~MutexAccess();
  MutexAccess(const MutexAccess&) = delete;
  MutexAccess& operator=(const MutexAccess&) = delete;

  LockResult lock() { return lock(true, std::nullopt); }
  LockResult lock(bool blocking, std::optional<std::chrono::nanoseconds> timeout);
  bool unlock();
  pid_t owner() const {
    return m_->count.load(std::memory_order_relaxed) > 0 ? static_cast<pid_t>(m_->holder.load(std::memory_order_relaxed)) : 0;
  }
  bool owned_by_me() const {
    return m_->count.load(std::memory_order_relaxed) > 0 && m_->holder.load(std::memory_order_relaxed) == win32::current_thread_id();
  }
  int depth() const { return static_cast<int>(m_->count.load(std::memory_order_relaxed)); }

 private:
  void* handle();  // opened on first use (thread-safe); OSError

  RobustMutex* m_;
  std::atomic<void*> handle_{nullptr};
};

// Thread ids are unique across the machine's processes while the thread lives (they share one
// space with process ids), and 0 is never a thread of ours.
inline pid_t current_thread() { return static_cast<pid_t>(win32::current_thread_id()); }
std::size_t page_size();
// No fork on Windows: nothing to prepare.
inline void at_fork(void (*)(), void (*)(), void (*)()) {}

}  // namespace shmcheck::detail
