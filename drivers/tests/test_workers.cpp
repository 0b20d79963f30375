// The stress scenarios' workers (drivers/scenarios/workers.hpp): a barrier that some worker
// can never reach is given up at once, not at the scenario's deadline. An interrupted shmcheck
// SIGKILLs the workers of its in-process stress case (kill_all_workers); a counter case
// interrupted while its workers were starting waited at the barrier for its whole deadline
// (60 s and more), and so did shmcheck, past interrupt.py's 120 s.
#include "drivers/scenarios/workers.hpp"

#include <shmcheck/error.hpp>

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

namespace sc = shmcheck::drivers::scenarios;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

TEST(Workers, AWorkerKilledBeforeTheBarrierEndsTheWaitAtOnce) {
  sc::WorkerGroup group(2, 64, false);
  group.start(0, [](int, void*) { return 0; });
  kill(group.pid(0), SIGKILL);  // most often before it arrived; either way release() is quick
  group.start(1, [](int, void*) { return 0; });
  const auto t0 = Clock::now();
  const bool released = group.release(Clock::now() + 30s);
  EXPECT_LT(Clock::now() - t0, 5s) << "waited at the barrier for a worker that had died (released: " << released << ")";
  group.wait(Clock::now() + 10s);
}

TEST(Workers, AfterKillAllWorkersNoneStartsAndNoBarrierIsWaitedFor) {
  // kill_all_workers() is for good in this process: run in a child of the test.
  EXPECT_EXIT(
      {
        sc::WorkerGroup group(2, 64, false);
        group.start(0, [](int, void*) { return 0; });
        sc::kill_all_workers();
        const auto t0 = Clock::now();
        const bool released = group.release(Clock::now() + 30s);
        const bool quick = Clock::now() - t0 < 5s;
        bool refused = false;
        try {
          group.start(1, [](int, void*) { return 0; });
        } catch (const shmcheck::OSError&) {
          refused = true;
        }
        group.wait(Clock::now() + 10s);
        std::_Exit(!released && quick && refused && sc::workers_killed() ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}
