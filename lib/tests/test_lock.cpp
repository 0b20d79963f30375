// Lock: RLock semantics across threads and processes, and recovery after owner death.
#include "support/child.hpp"
#include "support/emulator.hpp"

#include <shmcheck/array.hpp>
#include <shmcheck/lock.hpp>

#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>
#include <optional>
#include <vector>
#include <thread>

using namespace shmcheck;
using namespace std::chrono_literals;
using test::run_in_child;

TEST(Lock, RecursiveDepthCountsUpAndDown) {
  Lock l = Lock::create();
  for (int d = 1; d <= 5; ++d) {
    ASSERT_TRUE(l.acquire());
    EXPECT_EQ(l.depth(), d);
    EXPECT_TRUE(l.is_owned());
  }
  for (int d = 4; d >= 0; --d) {
    l.release();
    EXPECT_EQ(l.depth(), d);
  }
  EXPECT_FALSE(l.is_owned());
  EXPECT_EQ(l.owner(), 0);
  EXPECT_THROW(l.release(), AssertionError);  // the 6th release: not owned any more
}

TEST(Lock, ReleaseByNonOwnerThreadIsAnAssertionError) {
  Lock l = Lock::create();
  ASSERT_TRUE(l.acquire());
  std::string message;
  std::thread t([&] {
    try {
      l.release();
    } catch (const AssertionError& e) {
      message = e.what();
    }
  });
  t.join();
  EXPECT_EQ(message, "attempt to release recursive lock not owned by thread");
  EXPECT_EQ(l.depth(), 1);  // still held by us
  l.release();
}

TEST(Lock, NonBlockingAndTimedAcquireFailWhileAnotherThreadHoldsIt) {
  Lock l = Lock::create();
  ASSERT_TRUE(l.acquire());
  bool nonblocking = true, timed = true;
  std::chrono::duration<double> waited{};
  std::thread t([&] {
    nonblocking = l.acquire(false);
    const auto t0 = std::chrono::steady_clock::now();
    timed = l.acquire(true, 0.05s);
    waited = std::chrono::steady_clock::now() - t0;
  });
  t.join();
  EXPECT_FALSE(nonblocking);
  EXPECT_FALSE(timed);
  EXPECT_GE(waited.count(), 0.04);  // it did wait for (about) the timeout
  l.release();
}

TEST(Lock, NegativeTimeoutMeansTryOnce) {
  Lock l = Lock::create();
  EXPECT_TRUE(l.acquire(true, -1s));  // free: a zero wait succeeds
  l.release();
}

TEST(Lock, ChildCannotReleaseOrReenterItsParentsLock) {
  Lock l = Lock::create();
  ASSERT_TRUE(l.acquire());
  const auto end = run_in_child([&]() -> int {
    // A forked child is another thread: it does not own the parent's lock (as RLock).
    if (l.is_owned()) return 1;
    try {
      l.release();
      return 2;
    } catch (const AssertionError&) {
    }
    if (l.acquire(false)) return 3;
    return l.acquire(true, 0.05s) ? 4 : 0;
  });
  EXPECT_TRUE(end.ok()) << end.describe();
  l.release();
}

TEST(Lock, ExcludesAcrossProcesses) {
  Lock l = Lock::create();
  RawValue<long> counter(0);
  constexpr int kPerProcess = 20000;
  // Two children increment without atomics, holding the lock: nothing may be lost.
  auto work = [&]() -> int {
    for (int i = 0; i < kPerProcess; ++i) {
      Guard g(l);
      counter.set_value(counter.value() + 1);
    }
    return 0;
  };
  test::Child a(work), b(work);
  EXPECT_TRUE(a.wait().ok());
  EXPECT_TRUE(b.wait().ok());
  EXPECT_EQ(counter.value(), 2 * kPerProcess);
  EXPECT_GE(l.acquisitions(), 2u * kPerProcess);
}

TEST(Lock, HeldByChildBlocksParentUntilReleased) {
  Lock l = Lock::create();
  test::Signal held, go;
  test::Child c([&]() -> int {
    l.acquire();
    held.notify();
    go.wait();
    l.release();
    return 0;
  });
  ASSERT_TRUE(held.wait());
  EXPECT_FALSE(l.acquire(false));
  EXPECT_FALSE(l.acquire(true, 0.02s));
  EXPECT_NE(l.owner(), 0);
  go.notify();
  EXPECT_TRUE(l.acquire(true, 5s));
  EXPECT_EQ(l.owner_deaths(), 0u);
  l.release();
  EXPECT_TRUE(c.wait().ok());
}

TEST(Lock, OwnerKilledWhileHoldingIsRecoveredWithinOneSecond) {
  if (const auto why = test::owner_death_undetectable()) GTEST_SKIP() << *why;
  Lock l = Lock::create();
  test::Signal held;
  test::Child c([&]() -> int {
    l.acquire();
    l.acquire();  // depth 2: recovery must not inherit it
    held.notify();
    for (;;) pause();
  });
  ASSERT_TRUE(held.wait());
  c.kill(SIGKILL);
  const auto end = c.wait();
  EXPECT_EQ(end.signal, SIGKILL);
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(l.acquire(true, 1s)) << "lock not recovered after its owner was SIGKILLed";
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_EQ(l.owner_deaths(), 1u);  // the recovery is visible
  EXPECT_EQ(l.depth(), 1);
  EXPECT_TRUE(l.is_owned());
  l.release();
  // Usable as normal afterwards, and the recovery is counted once.
  ASSERT_TRUE(l.acquire(false));
  l.release();
  EXPECT_EQ(l.owner_deaths(), 1u);
}

TEST(Lock, OwnerDeathSeenThroughASynchronizedArray) {
  if (const auto why = test::owner_death_undetectable()) GTEST_SKIP() << *why;
  Array<int> a(4);
  test::Signal held;
  test::Child c([&]() -> int {
    a.get_lock().acquire();
    a.get_obj().set(0, 42);  // a half-done update, then death
    held.notify();
    for (;;) pause();
  });
  ASSERT_TRUE(held.wait());
  c.kill(SIGKILL);
  c.wait();
  // CPython deadlocks here forever (gh-88304); the reference recovers.
  EXPECT_EQ(a.get(0), 42);
  EXPECT_EQ(a.get_lock().owner_deaths(), 1u);
}

TEST(Lock, HugeOrInfiniteTimeoutWaitsInsteadOfGivingUp) {
  Lock l = Lock::create();
  test::Signal held;
  std::thread holder([&] {
    l.acquire();
    held.notify();
    std::this_thread::sleep_for(100ms);
    l.release();
  });
  ASSERT_TRUE(held.wait());
  // 1e10 s does not fit in int64 nanoseconds: it must mean "wait", not "try once".
  EXPECT_TRUE(l.acquire(true, std::chrono::duration<double>(1e10)));
  l.release();
  holder.join();
  EXPECT_TRUE(l.acquire(true, std::chrono::duration<double>(std::numeric_limits<double>::infinity())));
  l.release();
}

// Dropping the last handle of a lock its owner still holds used to free the mutex while it
// was on the owner's robust list (glibc links held robust mutexes through their own memory):
// the memory went to the next object, and the next lock operation wrote list pointers into
// that object's elements. The reference releases a held lock when its owner drops the last
// handle to it, so nothing points into freed memory, and others can take the lock.
TEST(Lock, DroppingTheLastHandleOfAHeldLockReleasesItAndCorruptsNothing) {
  std::optional<Lock> held = Lock::create();
  ASSERT_TRUE(held->acquire());
  ASSERT_TRUE(held->acquire());
  Lock survivor = *held;  // a second handle: dropping one of two changes nothing
  held.reset();
  EXPECT_TRUE(survivor.is_owned());
  EXPECT_EQ(survivor.depth(), 2);
  void* const where = survivor.block().data();
  const std::size_t size = survivor.block().size();
  survivor = Lock::create();  // the last handle of the held lock goes
  std::vector<Block> blocks;  // allocate until the freed lock's memory comes back
  for (int i = 0; i < 4096 && (blocks.empty() || blocks.back().data() != where); ++i) blocks.push_back(Block::allocate(size));
  ASSERT_EQ(blocks.back().data(), where) << "the freed lock's memory was not reused";
  auto* bytes = static_cast<unsigned char*>(where);
  std::memset(bytes, 0x55, size);
  Lock other = Lock::create();
  for (int round = 0; round < 3; ++round) {  // robust-list traffic, here and in children
    ASSERT_TRUE(other.acquire());
    other.release();
    ASSERT_TRUE(run_in_child([&]() -> int {
                  if (!other.acquire(false)) return 1;
                  other.release();
                  return 0;
                }).ok());
  }
  for (std::size_t i = 0; i < size; ++i) ASSERT_EQ(bytes[i], 0x55) << "byte " << i << " of the reused memory";
}

TEST(Lock, AChildGetsALockItsParentHeldAndDroppedTheLastHandleOf) {
  std::optional<Lock> lock = Lock::create();
  ASSERT_TRUE(lock->acquire());
  test::Child child([copy = *lock]() mutable -> int {
    for (int i = 0; i < 400; ++i) {  // up to 2 s for the parent to drop its handle
      if (copy.acquire(false)) return 0;
      std::this_thread::sleep_for(5ms);
    }
    return 1;
  });
  lock.reset();
  const auto end = child.wait();
  EXPECT_TRUE(end.ok()) << end.describe();
}

// Re-entry by the owner, however it asks, goes one level deeper and is not a new acquisition.
TEST(Lock, EveryKindOfAcquireByTheOwnerReenters) {
  Lock l = Lock::create();
  ASSERT_TRUE(l.acquire());
  EXPECT_TRUE(l.acquire(false));
  EXPECT_TRUE(l.acquire(true, 0.01s));
  EXPECT_TRUE(l.acquire(true, -1s));
  EXPECT_TRUE(l.try_acquire());
  EXPECT_EQ(l.depth(), 5);
  EXPECT_EQ(l.acquisitions(), 1u);
  for (int i = 0; i < 5; ++i) l.release();
  EXPECT_EQ(l.depth(), 0);
  EXPECT_FALSE(l.is_owned());
  ASSERT_TRUE(l.acquire(false));
  EXPECT_EQ(l.acquisitions(), 2u);
  l.release();
}

// Held robust mutexes are linked through their own memory into their thread's robust list,
// which the kernel walks when the thread dies. The lock links and unlinks itself (inline, on
// glibc) in the list glibc keeps for its own robust mutexes: held and released in any order,
// beside a mutex glibc locked, every one still held at the owner's death is recovered and
// nothing else is.
TEST(Lock, LocksHeldInAnyOrderBesideAGlibcRobustMutexAreEachRecoveredAfterTheirOwnersDeath) {
  if (const auto why = test::owner_death_undetectable()) GTEST_SKIP() << *why;
  Lock a = Lock::create(), b = Lock::create(), c = Lock::create(), d = Lock::create();
  Block raw = Block::allocate(sizeof(pthread_mutex_t), alignof(pthread_mutex_t));
  auto* native = static_cast<pthread_mutex_t*>(raw.data());
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
  ASSERT_EQ(pthread_mutex_init(native, &attr), 0);
  pthread_mutexattr_destroy(&attr);
  test::Signal held;
  test::Child child([&]() -> int {
    a.acquire();
    if (pthread_mutex_lock(native) != 0) return 1;
    b.acquire();
    c.acquire();
    d.acquire();
    d.acquire();  // depth 2 at death
    c.release();  // from the middle of the list
    a.release();  // from its end
    held.notify();
    for (;;) pause();
  });
  ASSERT_TRUE(held.wait());
  child.kill(SIGKILL);
  EXPECT_EQ(child.wait().signal, SIGKILL);
  EXPECT_EQ(pthread_mutex_lock(native), EOWNERDEAD);
  pthread_mutex_consistent(native);
  for (Lock* l : {&a, &b, &c, &d}) {
    ASSERT_TRUE(l->acquire(true, 1s));
    EXPECT_EQ(l->depth(), 1);
    l->release();
  }
  EXPECT_EQ(a.owner_deaths(), 0u);
  EXPECT_EQ(b.owner_deaths(), 1u);
  EXPECT_EQ(c.owner_deaths(), 0u);
  EXPECT_EQ(d.owner_deaths(), 1u);
  pthread_mutex_unlock(native);
  pthread_mutex_destroy(native);
}

// A thread that ends holding a lock (its process lives on) is a dead owner too.
TEST(Lock, AThreadThatEndsHoldingTheLockIsADeadOwner) {
  if (const auto why = test::owner_death_undetectable()) GTEST_SKIP() << *why;
  Lock l = Lock::create(), other = Lock::create();
  std::thread t([&] {
    other.acquire();
    l.acquire();
    other.release();
  });
  t.join();
  ASSERT_TRUE(l.acquire(true, 1s));
  EXPECT_EQ(l.owner_deaths(), 1u);
  EXPECT_TRUE(l.is_owned());
  l.release();
  EXPECT_EQ(other.owner_deaths(), 0u);
}
