#include "fault.hpp"
#include "robust_mutex.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/lock.hpp>

#include <atomic>

namespace shmcheck {
namespace {

constexpr std::uint32_t kLockMagic = 0x6b636f4c;  // "Lock"

// The lock's state in shared memory. The owner and its depth are the recursive mutex's own
// (detail::MutexAccess: on Linux the futex word, which the kernel clears when the owner dies,
// and glibc's count), not copies. The counters are written only by the owner, while it holds
// the mutex, so the mutex orders those writes: relaxed loads and stores suffice, and a
// read-modify-write (a locked instruction, several times the cost of an uncontended lock) is
// never needed. Other threads read them relaxed.
//
// Layout: a small block's payload starts 32 bytes into a 64-byte aligned block (arena.hpp),
// so the mutex, at offset 32, starts a cache line, and `acquisitions`, which every first-level
// acquire writes, shares it; the fields before it are read or written rarely.
struct LockState {
  std::uint32_t magic;
  // The lock_no_exclusion mutant's owner and depth (it leaves the mutex alone).
  std::atomic<pid_t> unexcluded_owner;
  std::atomic<int> unexcluded_depth;
  std::atomic<std::uint64_t> owner_deaths;
  alignas(32) detail::RobustMutex mutex;
  std::atomic<std::uint64_t> acquisitions;
};

LockState& state(const Block& b) { return *static_cast<LockState*>(b.data()); }

constexpr auto relaxed = std::memory_order_relaxed;

// An increment by the owner (see LockState).
template <class T>
void bump(std::atomic<T>& field, T by) {
  field.store(field.load(relaxed) + by, relaxed);
}

pid_t this_thread() { return detail::current_thread(); }

[[noreturn]] void not_owned() { throw AssertionError("attempt to release recursive lock not owned by thread"); }

// The lock_no_exclusion mutant: the bookkeeping of a lock, without the mutex.
bool acquire_unexcluded(LockState& s) {
  if (s.unexcluded_depth.load(relaxed) == 0) {
    s.unexcluded_owner.store(this_thread(), relaxed);
    bump<std::uint64_t>(s.acquisitions, 1);
  }
  bump(s.unexcluded_depth, 1);
  return true;
}

void release_unexcluded(LockState& s) {
  const int depth = s.unexcluded_depth.load(relaxed);
  if (s.unexcluded_owner.load(relaxed) != this_thread() || depth == 0) not_owned();
  s.unexcluded_depth.store(depth - 1, relaxed);
  if (depth == 1) s.unexcluded_owner.store(0, relaxed);
}

}  // namespace

struct Lock::Local {
  Block block;
  // The block's address, looked up once: Block::data() follows three pointers, and the hot
  // path wants the state in one.
  LockState* const shared;
  // This process's way to the mutex (on Windows its handle to the kernel object).
  detail::MutexAccess mutex;
  explicit Local(Block b) : block(std::move(b)), shared(&state(block)), mutex(shared->mutex) {}
  Local(const Local&) = delete;
  Local& operator=(const Local&) = delete;
  ~Local() {
    // The last handle in this process goes: a hold of this thread ends with it.
    auto& s = *shared;
    if (SHMCHECK_FAULT(lock_no_exclusion)) {
      if (s.unexcluded_depth.load(relaxed) == 0 || s.unexcluded_owner.load(relaxed) != this_thread()) return;
      s.unexcluded_depth.store(0, relaxed);
      s.unexcluded_owner.store(0, relaxed);
      return;
    }
    while (mutex.owned_by_me() && mutex.unlock()) {
    }
  }
};

Lock::Lock(Block block) : local_(std::make_shared<Local>(std::move(block))) {}

const Block& Lock::block() const noexcept { return local_->block; }

Lock Lock::create() {
  Block b = Block::allocate(sizeof(LockState), alignof(LockState));
  auto& s = state(b);
  detail::robust_mutex_init(s.mutex, /*recursive=*/!SHMCHECK_FAULT(lock_not_recursive));
  // Every field is set here, not left to the allocator's zero fill: a lock must not depend on
  // what the memory held before (the no_zero_fill mutant proves the point).
  s.unexcluded_owner.store(0);
  s.unexcluded_depth.store(0);
  s.owner_deaths.store(0);
  s.acquisitions.store(0);
  s.magic = kLockMagic;
  return Lock(std::move(b));
}

Lock Lock::from_block(Block block) {
  if (!block || block.size() != sizeof(LockState) || state(block).magic != kLockMagic)
    throw RuntimeError("the block is not a shmcheck lock");
  return Lock(std::move(block));
}

namespace {

// The mutex's answer: the counters of a first-level acquisition.
bool took(LockState& s, detail::LockResult got) {
  switch (got) {
    case detail::LockResult::busy:
    case detail::LockResult::timed_out:
      return false;
    case detail::LockResult::reentered:
      return true;
    case detail::LockResult::recovered:
      // The owner died holding it (the mutex starts again at depth 1): count the recovery
      // where every process can see it.
      bump<std::uint64_t>(s.owner_deaths, 1);
      break;
    case detail::LockResult::acquired:
      break;
  }
  bump<std::uint64_t>(s.acquisitions, 1);
  return true;
}

}  // namespace

bool Lock::acquire() {
  auto& l = *local_;
  if (SHMCHECK_FAULT(lock_no_exclusion)) return acquire_unexcluded(*l.shared);
  return took(*l.shared, l.mutex.lock());
}

bool Lock::acquire(bool blocking, std::optional<std::chrono::duration<double>> timeout) {
  auto& l = *local_;
  if (SHMCHECK_FAULT(lock_no_exclusion)) return acquire_unexcluded(*l.shared);
  std::optional<std::chrono::nanoseconds> wait;
  if (timeout) {
    // Negative or NaN: try once (CPython's SemLock clamps to 0). Beyond about 30 years the
    // nanosecond count would overflow: that is no timeout at all.
    const double seconds = timeout->count();
    if (!(seconds > 0)) wait = std::chrono::nanoseconds(0);
    else if (seconds < 1e9) wait = std::chrono::duration_cast<std::chrono::nanoseconds>(*timeout);
  }
  return took(*l.shared, l.mutex.lock(blocking, wait));
}

void Lock::release() {
  auto& l = *local_;
  if (SHMCHECK_FAULT(lock_no_exclusion)) return release_unexcluded(*l.shared);
  // The mutex refuses (changing nothing) a thread that does not own it.
  if (!l.mutex.unlock()) not_owned();
}

bool Lock::is_owned() const {
  const auto& l = *local_;
  if (SHMCHECK_FAULT(lock_no_exclusion))
    return l.shared->unexcluded_depth.load(relaxed) > 0 && l.shared->unexcluded_owner.load(relaxed) == this_thread();
  return l.mutex.owned_by_me();
}
int Lock::depth() const {
  if (SHMCHECK_FAULT(lock_no_exclusion)) return local_->shared->unexcluded_depth.load(relaxed);
  return local_->mutex.depth();
}
pid_t Lock::owner() const {
  if (SHMCHECK_FAULT(lock_no_exclusion)) return local_->shared->unexcluded_owner.load(relaxed);
  return local_->mutex.owner();
}
std::uint64_t Lock::owner_deaths() const { return local_->shared->owner_deaths.load(relaxed); }
std::uint64_t Lock::acquisitions() const { return local_->shared->acquisitions.load(relaxed); }

}  // namespace shmcheck
