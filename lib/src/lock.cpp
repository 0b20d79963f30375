#include "fault.hpp"
#include "robust_mutex.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/lock.hpp>

#include <atomic>

namespace shmcheck {
namespace {

constexpr std::uint32_t kLockMagic = 0x6b636f4c;  // "Lock"

// The lock's state in shared memory. `owner` and `depth` mirror what the recursive mutex
// knows internally, so that ownership checks and the depth are observable without
// non-portable peeking. Every field after the mutex is written only by the owner, while it
// holds the mutex, so the mutex orders those writes: relaxed loads and stores suffice, and a
// read-modify-write (a locked instruction, several times the cost of an uncontended
// pthread_mutex_lock) is never needed. Other threads read them relaxed: a thread that does
// not hold the lock can never read its own thread id in `owner` (its last write there was a
// 0, and nobody else writes its id), which is all the ownership checks rely on.
struct LockState {
  std::uint32_t magic;
  detail::RobustMutex mutex;
  std::atomic<pid_t> owner;
  std::atomic<int> depth;
  std::atomic<std::uint64_t> owner_deaths;
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
    const int held = s.depth.load(relaxed);
    if (held == 0 || s.owner.load(relaxed) != this_thread()) return;
    s.depth.store(0, relaxed);
    s.owner.store(0, relaxed);
    for (int d = held; d > 0; --d) mutex.unlock();
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
  s.owner.store(0);
  s.depth.store(0);
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

// The mutex is ours (got: acquired or recovered): the owner's bookkeeping.
bool took(LockState& s, detail::LockResult got) {
  switch (got) {
    case detail::LockResult::busy:
    case detail::LockResult::timed_out:
      return false;
    case detail::LockResult::recovered:
      // The owner died holding it: its depth means nothing now. Count the recovery where
      // every process can see it.
      bump<std::uint64_t>(s.owner_deaths, 1);
      s.depth.store(0, relaxed);
      break;
    case detail::LockResult::acquired:
      break;
  }
  if (s.depth.load(relaxed) == 0) {
    s.owner.store(this_thread(), relaxed);
    bump<std::uint64_t>(s.acquisitions, 1);
  }
  bump(s.depth, 1);
  return true;
}

}  // namespace

bool Lock::acquire() {
  auto& s = *local_->shared;
  return took(s, SHMCHECK_FAULT(lock_no_exclusion) ? detail::LockResult::acquired : local_->mutex.lock());
}

bool Lock::acquire(bool blocking, std::optional<std::chrono::duration<double>> timeout) {
  auto& s = *local_->shared;
  std::optional<std::chrono::nanoseconds> wait;
  if (timeout) {
    // Negative or NaN: try once (CPython's SemLock clamps to 0). Beyond about 30 years the
    // nanosecond count would overflow: that is no timeout at all.
    const double seconds = timeout->count();
    if (!(seconds > 0)) wait = std::chrono::nanoseconds(0);
    else if (seconds < 1e9) wait = std::chrono::duration_cast<std::chrono::nanoseconds>(*timeout);
  }
  return took(s, SHMCHECK_FAULT(lock_no_exclusion) ? detail::LockResult::acquired
                                                    : local_->mutex.lock(blocking, wait));
}

void Lock::release() {
  auto& s = *local_->shared;
  const int depth = s.depth.load(relaxed);
  if (s.owner.load(relaxed) != this_thread() || depth == 0)
    throw AssertionError("attempt to release recursive lock not owned by thread");
  s.depth.store(depth - 1, relaxed);
  if (depth == 1) s.owner.store(0, relaxed);
  if (!SHMCHECK_FAULT(lock_no_exclusion) && !local_->mutex.unlock())
    throw AssertionError("attempt to release recursive lock not owned by thread");
}

bool Lock::is_owned() const {
  const auto& s = *local_->shared;
  return s.depth.load(relaxed) > 0 && s.owner.load(relaxed) == this_thread();
}
int Lock::depth() const { return local_->shared->depth.load(relaxed); }
pid_t Lock::owner() const { return local_->shared->owner.load(relaxed); }
std::uint64_t Lock::owner_deaths() const { return local_->shared->owner_deaths.load(relaxed); }
std::uint64_t Lock::acquisitions() const { return local_->shared->acquisitions.load(relaxed); }

}  // namespace shmcheck
