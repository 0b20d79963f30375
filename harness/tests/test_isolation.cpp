// What a driver leaves is its own and goes with it, in namespaces of its own and without them
// (SHMCHECK_ISOLATION=none: attributed by its name prefix and by what its processes held), and
// nothing it starts outlives it, setsid() or not.
#include "support/processes.hpp"
#include "../src/posix/isolation.hpp"

#include <shmcheck/harness/exec_implementation.hpp>

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

using shmcheck::harness::ExecImplementation;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> kModes = {"namespaces", "none"};

class Isolation : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "none") setenv("SHMCHECK_ISOLATION", "none", 1);
    else unsetenv("SHMCHECK_ISOLATION");
  }
  void TearDown() override { unsetenv("SHMCHECK_ISOLATION"); }
  bool isolated() const { return GetParam() == "namespaces"; }
  // Starts the misbehaving driver in `mode`, skipping (with the reason) where the machine has
  // no namespaces to give it.
  std::unique_ptr<ExecImplementation> start(const std::string& mode, const std::string& pidfile) {
    auto impl = std::make_unique<ExecImplementation>("exec:misbehave " + mode,
                                                     std::vector<std::string>{SHMCHECK_PYTHON, SHMCHECK_MISBEHAVE, mode, pidfile}, 5000ms);
    if (isolated() && !impl->isolated()) {
      skipped_ = impl->isolation();
      impl.reset();
    }
    return impl;
  }
  std::string skipped_;
};

std::set<std::string> as_set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

bool on_the_machine(const std::string& name) { return std::filesystem::exists("/dev/shm/" + name); }

using shmcheck::harness::test::process_gone;

}  // namespace

TEST_P(Isolation, WhatADriverLeavesIsItsOwnAndIsRemovedAndReported) {
  auto impl = start("shm-leak", ::testing::TempDir() + "/isolation-leak.pids");
  if (!impl) GTEST_SKIP() << "unsupported: no namespaces here: " << skipped_;
  impl->run(nlohmann::json::array({{{"op", "len"}, {"obj", "a"}}}));
  const std::set<std::string> made = {impl->shm_prefix() + "leaked", "sem." + impl->shm_prefix() + "mp-leaked"};
  EXPECT_EQ(as_set(impl->own_dev_shm().value()), made);
  for (const auto& name : made) EXPECT_EQ(on_the_machine(name), !isolated()) << name;
  impl->close();
  EXPECT_EQ(as_set(impl->shm_leftovers()), made);
  for (const auto& name : made) EXPECT_FALSE(on_the_machine(name)) << name << " was left behind";
}

// lifetime-creator-killed counts what the killed group left after kill_now(): it is still
// there then, and removed only when the implementation goes.
TEST_P(Isolation, AfterKillNowWhatItLeftIsCountedUntilItIsGone) {
  std::string prefix;
  {
    auto impl = start("shm-leak", ::testing::TempDir() + "/isolation-kill.pids");
    if (!impl) GTEST_SKIP() << "unsupported: no namespaces here: " << skipped_;
    impl->run(nlohmann::json::array({{{"op", "len"}, {"obj", "a"}}}));
    prefix = impl->shm_prefix();
    ASSERT_TRUE(impl->kill_now());
    EXPECT_EQ(as_set(impl->own_dev_shm().value()), (std::set<std::string>{prefix + "leaked", "sem." + prefix + "mp-leaked"}))
        << "removed before the caller could count it";
  }
  EXPECT_FALSE(on_the_machine(prefix + "leaked"));
  EXPECT_FALSE(on_the_machine("sem." + prefix + "mp-leaked"));
}

// Not its prefix, but held by its process when it is stopped: its own too, removed.
TEST_P(Isolation, WhatItHoldsWhenStoppedAndLeavesIsRemovedAsItsOwn) {
  const std::string pidfile = ::testing::TempDir() + "/isolation-held-" + GetParam() + ".pids";
  std::remove(pidfile.c_str());
  auto impl = start("shm-held", pidfile);
  if (!impl) GTEST_SKIP() << "unsupported: no namespaces here: " << skipped_;
  impl->run(nlohmann::json::array({{{"op", "len"}, {"obj", "a"}}}));
  pid_t driver = 0;
  std::ifstream(pidfile) >> driver;  // the driver's own pid, as the machine sees it
  const std::string name = "shmcheck-test-held-" + std::to_string(driver);
  EXPECT_EQ(on_the_machine(name), !isolated());
  EXPECT_EQ(impl->stop(), std::vector<std::string>{name});
  EXPECT_FALSE(on_the_machine(name));
}

// A child that leaves the driver's process group and session still dies with the driver: the
// kernel kills a PID namespace with its first process; without one, shmcheck kills the
// driver's descendants it can still find.
TEST_P(Isolation, AChildThatCallsSetsidDiesWithTheDriver) {
  const std::string pidfile = ::testing::TempDir() + "/isolation-setsid-" + GetParam() + ".pids";
  std::remove(pidfile.c_str());
  auto impl = start("setsid-child", pidfile);
  if (!impl) GTEST_SKIP() << "unsupported: no namespaces here: " << skipped_;
  impl->run(nlohmann::json::array({{{"op", "len"}, {"obj", "a"}}}));
  impl->close();
  std::vector<pid_t> pids;
  {
    std::ifstream in(pidfile);
    for (pid_t p; in >> p;) pids.push_back(p);
  }
  ASSERT_EQ(pids.size(), 2u) << "the driver and its setsid() child record their pids";
  for (int i = 0; i < 200 && !process_gone(pids[1]); ++i) std::this_thread::sleep_for(10ms);
  for (pid_t p : pids) EXPECT_TRUE(process_gone(p)) << "process " << p << " outlived the driver";
  for (pid_t p : pids)
    if (!process_gone(p)) kill(p, SIGKILL);
}

INSTANTIATE_TEST_SUITE_P(Modes, Isolation, ::testing::ValuesIn(kModes), [](const auto& info) { return info.param; });

// PR_SET_PDEATHSIG only covers a parent that dies after the child asked for it. A driver
// whose shmcheck was SIGKILLed between clone and that prctl must not start (it would be an
// orphan, pid 1 of its namespace, that nothing kills): the child looks after asking.
TEST(ParentDeath, AChildWhoseParentEndedBeforeItAskedDoesNotStart) {
  namespace detail = shmcheck::harness::detail;
  const pid_t stand_in = fork();  // the "shmcheck" that will be gone
  if (stand_in == 0) {
    pause();
    _exit(0);
  }
  ASSERT_GT(stand_in, 0);
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, stand_in, 0));
  if (pidfd < 0) {
    kill(stand_in, SIGKILL);
    waitpid(stand_in, nullptr, 0);
    GTEST_SKIP() << "unsupported: no pidfd_open on this kernel (before 5.3): the clone-to-prctl race is open here";
  }
  EXPECT_FALSE(detail::has_ended(pidfd));
  // Set up in a child of ours (setup_child asks for a parent-death signal for its caller).
  const auto setup_in_child = [&]() {
    const pid_t child = fork();
    if (child == 0) {
      const detail::ChildSetup s{getuid(), getgid(), false, false, pidfd};
      const char* what = "";
      _exit(detail::setup_child(s, &what) ? 0 : (std::string(what).find("parent ended") != std::string::npos ? 3 : 4));
    }
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  EXPECT_EQ(setup_in_child(), 0) << "with the parent alive the child starts";
  kill(stand_in, SIGKILL);
  waitpid(stand_in, nullptr, 0);
  EXPECT_TRUE(detail::has_ended(pidfd));
  EXPECT_EQ(setup_in_child(), 3) << "with the parent gone the child refuses, naming why";
  close(pidfd);
  EXPECT_FALSE(detail::has_ended(-1)) << "no pidfd: cannot tell, so it does not refuse";
}
