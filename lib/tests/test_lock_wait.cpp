// Lock: the wait of a blocking acquire while another process holds the lock (on glibc the
// reference's own futex wait, detail::glibc::wait_then_lock): many sleepers are all woken in
// turn, beside glibc's timed and non-blocking acquires too; sleepers whose holder is killed
// recover the lock once between them; a sleeper killed after its wake-up passes it on; a
// waiter napping beside a looping holder finds the lock soon after the loop stops.
#include "support/child.hpp"
#include "support/emulator.hpp"

#include <shmcheck/lock.hpp>
#include <shmcheck/raw_array.hpp>

#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace shmcheck;
using namespace std::chrono_literals;

namespace {

// Every child must end well within one deadline for all: a sleeper a lost wake-up left asleep
// misses it, and the test fails well inside ctest's timeout.
void expect_all_finish(std::vector<std::unique_ptr<test::Child>>& children, std::chrono::seconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  for (auto& child : children) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    const auto end = child->wait(std::max(left, 1ms));
    EXPECT_TRUE(end.ok()) << end.describe();
  }
}

// Whether `pid` is in system call `number` now (the first word of its /proc syscall line).
bool in_syscall(pid_t pid, long number) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/syscall");
  std::string word;
  return f >> word && word == std::to_string(number);
}

// True once `pid` sleeps in a futex wait.
bool asleep_on_futex(pid_t pid) { return in_syscall(pid, SYS_futex); }

bool wait_until_asleep(pid_t pid) {
  for (int i = 0; i < 5000; ++i) {
    if (asleep_on_futex(pid)) return true;
    std::this_thread::sleep_for(1ms);  // a sleep, not a spin: the child shares our one CPU
  }
  return false;
}

}  // namespace

// A lost wake-up leaves a sleeper asleep with the lock free: its child misses the deadline.
TEST(LockWait, ManySleepersOnOneLockAreAllWokenInTurn) {
  Lock l = Lock::create();
  RawValue<long> counter(0);
  constexpr int kChildren = 5;
  constexpr int kHolds = 400;
  std::vector<std::unique_ptr<test::Child>> children;
  for (int c = 0; c < kChildren; ++c)
    children.push_back(std::make_unique<test::Child>([&]() -> int {
      for (int i = 0; i < kHolds; ++i) {
        Guard g(l);
        // Holding for a while now and then: the others go to sleep on the lock, not only spin.
        if (i % 8 == 0) std::this_thread::sleep_for(100us);
        counter.set_value(counter.value() + 1);
      }
      return 0;
    }));
  expect_all_finish(children, 30s);
  EXPECT_EQ(counter.value(), kChildren * kHolds);
  // Nobody holds it and nobody is left marked as waiting in a way that blocks.
  ASSERT_TRUE(l.acquire(false));
  l.release();
}

// Blocking acquires (the reference's wait) and timed or non-blocking ones (glibc's) on one
// lock: the same futex protocol, so nothing is lost and nobody is left asleep.
TEST(LockWait, BlockingTimedAndTryAcquiresMixOnOneLock) {
  Lock l = Lock::create();
  RawValue<long> counter(0);
  constexpr int kHolds = 2000;
  const auto hold = [&] {
    if (counter.value() % 64 == 0) std::this_thread::sleep_for(50us);  // now and then long enough to sleep on
    counter.set_value(counter.value() + 1);
    l.release();
  };
  std::vector<std::unique_ptr<test::Child>> children;
  for (int c = 0; c < 2; ++c)
    children.push_back(std::make_unique<test::Child>([&]() -> int {
      for (int i = 0; i < kHolds; ++i) {
        l.acquire();
        hold();
      }
      return 0;
    }));
  children.push_back(std::make_unique<test::Child>([&]() -> int {
    for (int i = 0; i < kHolds;)
      if (l.acquire(true, 50ms)) ++i, hold();
    return 0;
  }));
  children.push_back(std::make_unique<test::Child>([&]() -> int {
    for (int i = 0; i < kHolds;)
      if (l.acquire(false)) ++i, hold();
      else std::this_thread::yield();
    return 0;
  }));
  expect_all_finish(children, 40s);
  EXPECT_EQ(counter.value(), 4 * kHolds);
}

TEST(LockWait, SleepersWhoseHolderIsKilledRecoverItOnceAndAllGetIt) {
  if (const auto why = test::owner_death_undetectable()) GTEST_SKIP() << *why;
  Lock l = Lock::create();
  RawValue<long> got(0);
  test::Signal held;
  test::Child holder([&]() -> int {
    l.acquire();
    held.notify();
    for (;;) pause();
  });
  ASSERT_TRUE(held.wait());
  constexpr int kSleepers = 3;
  std::vector<std::unique_ptr<test::Child>> sleepers;
  for (int c = 0; c < kSleepers; ++c)
    sleepers.push_back(std::make_unique<test::Child>([&]() -> int {
      l.acquire();  // blocking, no timeout: the path that sleeps on the lock itself
      got.set_value(got.value() + 1);
      std::this_thread::sleep_for(1ms);
      l.release();
      return 0;
    }));
  // Time for every sleeper to be asleep on the lock (or at worst still on its way to it).
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(got.value(), 0) << "a sleeper got the lock while its holder was alive";
  holder.kill(SIGKILL);
  EXPECT_EQ(holder.wait().signal, SIGKILL);
  expect_all_finish(sleepers, 20s);
  EXPECT_EQ(got.value(), kSleepers);
  EXPECT_EQ(l.owner_deaths(), 1u);  // recovered by exactly one of them
  ASSERT_TRUE(l.acquire(false));
  EXPECT_EQ(l.depth(), 1);
  l.release();
}

// The sleeper a release wakes is killed before it could take the lock: another sleeper must
// be woken in its place (the kernel does it when the dead thread's pending robust-list
// operation is this lock), or the others sleep on a free lock for good. All processes run on
// one CPU and the sleepers are SCHED_IDLE, so that the woken sleeper cannot run before this
// process, which keeps the CPU, has killed it; sleepers are woken in the order they slept.
TEST(LockWait, ASleeperKilledAfterItsWakeUpPassesItOn) {
  if (const auto why = test::owner_death_undetectable()) GTEST_SKIP() << *why;
  cpu_set_t before;
  ASSERT_EQ(sched_getaffinity(0, sizeof before, &before), 0);
  int cpu = 0;
  while (cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &before)) ++cpu;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);
  ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);  // the children inherit it
  struct Restore {
    cpu_set_t set;
    ~Restore() { sched_setaffinity(0, sizeof set, &set); }
  } restore{before};

  Lock l = Lock::create();
  RawValue<long> got(0);
  l.acquire();
  const auto sleeper = [&]() -> int {
    const sched_param idle{0};
    if (sched_setscheduler(0, SCHED_IDLE, &idle) != 0) return 3;
    l.acquire();
    got.set_value(got.value() + 1);
    l.release();
    return 0;
  };
  std::vector<std::unique_ptr<test::Child>> doomed;
  for (int i = 0; i < 3; ++i) {
    doomed.push_back(std::make_unique<test::Child>(sleeper));
    ASSERT_TRUE(wait_until_asleep(doomed.back()->pid())) << "a sleeper never went to sleep on the lock";
  }
  test::Child last(sleeper);
  ASSERT_TRUE(wait_until_asleep(last.pid())) << "the last sleeper never went to sleep on the lock";
  l.release();  // wakes the first sleeper, which cannot run yet
  for (auto& d : doomed) d->kill(SIGKILL);
  for (auto& d : doomed) EXPECT_EQ(d->wait().signal, SIGKILL);
  const auto end = last.wait(10s);
  EXPECT_TRUE(end.ok()) << end.describe() << ": the wake-up died with the sleeper it was meant for";
  EXPECT_EQ(got.value(), 1);
  EXPECT_EQ(l.owner_deaths(), 0u);
}

// A waiter turned away by a holder that releases and retakes the lock in a loop naps
// (native_mutex.cpp), and a release does not wake a napping waiter: it must still find the
// lock free soon, at the end of its nap (the timer slack, about 50-70 us). Both processes
// take and release the lock in a loop; this one, holding it, looks at the other's system call
// (/proc/PID/syscall) until it is caught in the nap (clock_nanosleep), then notes the time,
// lets go and leaves the lock alone. The bound is a thousand naps: wide for a loaded machine,
// far below a waiter that waits for a wake-up that never comes (a nap of 400 ms fails here).
TEST(LockWait, AWaiterNappingBesideALoopingHolderFindsTheLockSoonAfterItsRelease) {
  // Where glibc's own wait runs instead (no robust list under qemu-user, ThreadSanitizer) no
  // waiter naps.
  if (const auto why = test::owner_death_undetectable()) GTEST_SKIP() << "unsupported: " << *why;
#if defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "unsupported: ThreadSanitizer build: every lock operation is glibc's, whose wait never naps";
#endif
  Lock l = Lock::create();
  RawValue<long long> released_at(0);  // ns, CLOCK_MONOTONIC (steady_clock): one clock for both
  RawValue<long long> taken_after(0);
  const auto now_ns = [] {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  };
  test::Child other([&]() -> int {
    for (;;) {
      l.acquire();
      const long long t = now_ns();
      l.release();
      if (const long long at = released_at.value(); at != 0 && t > at) {
        taken_after.set_value(t - at);
        return 0;
      }
    }
  });
  bool caught = false;
  for (const auto give_up = std::chrono::steady_clock::now() + 10s; !caught && std::chrono::steady_clock::now() < give_up;) {
    for (int i = 0; i < 1000; ++i) {
      l.acquire();
      l.release();
    }
    l.acquire();
    if ((caught = in_syscall(other.pid(), SYS_clock_nanosleep))) released_at.set_value(now_ns());
    l.release();
  }
  ASSERT_TRUE(caught) << "the other process was never seen napping in 10 s";
  const auto end = other.wait(20s);
  ASSERT_TRUE(end.ok()) << end.describe() << ": the other process never found the lock free";
  EXPECT_LT(taken_after.value(), 100'000'000) << "ns from the release to the napping process's acquisition";
}
