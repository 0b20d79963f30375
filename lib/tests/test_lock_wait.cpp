// Lock: the wait of a blocking acquire while another process holds the lock (on glibc the
// reference's own futex wait, detail::glibc::wait_then_lock): many sleepers are all woken in
// turn, and sleepers whose holder is killed recover the lock once between them.
#include "support/child.hpp"
#include "support/emulator.hpp"

#include <shmcheck/lock.hpp>
#include <shmcheck/raw_array.hpp>

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

using namespace shmcheck;
using namespace std::chrono_literals;

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
  // One deadline for all (a hang must fail the test well inside ctest's timeout).
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  for (auto& child : children) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    const auto end = child->wait(std::max(left, 1ms));
    EXPECT_TRUE(end.ok()) << end.describe();
  }
  EXPECT_EQ(counter.value(), kChildren * kHolds);
  // Nobody holds it and nobody is left marked as waiting in a way that blocks.
  ASSERT_TRUE(l.acquire(false));
  l.release();
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
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  for (auto& s : sleepers) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    const auto end = s->wait(std::max(left, 1ms));
    EXPECT_TRUE(end.ok()) << end.describe();
  }
  EXPECT_EQ(got.value(), kSleepers);
  EXPECT_EQ(l.owner_deaths(), 1u);  // recovered by exactly one of them
  ASSERT_TRUE(l.acquire(false));
  EXPECT_EQ(l.depth(), 1);
  l.release();
}
