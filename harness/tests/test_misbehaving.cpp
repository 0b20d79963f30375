// The harness survives its implementations: each misbehaving driver of the catalog
// (misbehaving/misbehave.py) is reported Broken with a reason that names what it did, and
// nothing it started is left running.
#include "support/processes.hpp"

#include <shmcheck/harness/exec_implementation.hpp>
#include <shmcheck/protocol/driver_text.hpp>

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

using shmcheck::harness::ExecImplementation;
using shmcheck::harness::Broken;
using namespace std::chrono_literals;

namespace {

struct Case {
  const char* mode;
  const char* reason;  // a substring the Broken reason must contain
};

using shmcheck::harness::test::process_gone;

std::vector<pid_t> recorded_pids(const std::string& file) {
  std::ifstream in(file);
  std::vector<pid_t> pids;
  for (pid_t p; in >> p;) pids.push_back(p);
  return pids;
}

class Misbehaving : public ::testing::TestWithParam<Case> {};

}  // namespace

TEST_P(Misbehaving, IsBrokenWithItsReasonAndLeavesNothingRunning) {
  const Case c = GetParam();
  const std::string pidfile = ::testing::TempDir() + "/misbehave-" + c.mode + ".pids";
  std::remove(pidfile.c_str());
  const std::vector<std::string> argv{SHMCHECK_PYTHON, SHMCHECK_MISBEHAVE, c.mode, pidfile};
  std::string reason;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    ExecImplementation impl(std::string("exec:misbehave ") + c.mode, argv, 3000ms);
    impl.run(nlohmann::json::array({{{"op", "len"}, {"obj", "a"}}}));
    impl.close();
  } catch (const Broken& e) {
    reason = e.what();
  }
  EXPECT_NE(reason.find(c.reason), std::string::npos) << c.mode << ": reason was '" << reason << "'";
  // Whatever the driver wrote, the reason can go into results.json (nlohmann's dump throws on
  // text that is not UTF-8).
  EXPECT_TRUE(shmcheck::protocol::is_valid_utf8(reason)) << c.mode;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s) << "the harness waited too long";
  const auto pids = recorded_pids(pidfile);
  EXPECT_FALSE(pids.empty()) << "the driver never started";
  for (int i = 0; i < 200; ++i) {
    bool all_gone = true;
    for (pid_t p : pids) all_gone = all_gone && process_gone(p);
    if (all_gone) break;
    std::this_thread::sleep_for(10ms);
  }
  for (pid_t p : pids) EXPECT_TRUE(process_gone(p)) << c.mode << ": process " << p << " is still running";
}

INSTANTIATE_TEST_SUITE_P(
    Catalog, Misbehaving,
    ::testing::Values(Case{"exit-before-hello", "exited early (status 3)"},
                      Case{"garbage-hello", "not a JSON object: 'Welcome to my driver!'"},
                      Case{"wrong-protocol", "protocol version mismatch"},
                      Case{"slow-hello", "timed out"},
                      Case{"crash", "crashed (signal 11)"},
                      Case{"exit-early", "exited early"},
                      Case{"hang", "timed out"},
                      Case{"garbage", "not a JSON object: 'Traceback"},
                      Case{"wrong-id", "with id"},
                      Case{"wrong-schema", "outside the protocol"},
                      Case{"wrong-result", "answers with the wrong schema: 'len' answered \"three\""},
                      Case{"wrong-count", "answered a batch of 1 with 0 outcomes"},
                      Case{"flood", "flooded its output"},
                      // The byte escaped, never a JSON exception that ends the run.
                      Case{"not-utf8", "answered with a line that is not UTF-8: '\\xff'"},
                      // Refused before nlohmann builds the tree (it crashed shmcheck: SIGSEGV).
                      Case{"deep", "answered with JSON nested deeper than 64 levels: '[[[["}),
    [](const auto& info) {
      std::string n = info.param.mode;
      for (auto& ch : n) if (ch == '-') ch = '_';
      return n;
    });

TEST(Misbehaving, NoiseOnStderrIsAllowedAndKeptForDiagnostics) {
  const std::string pidfile = ::testing::TempDir() + "/misbehave-noise.pids";
  ExecImplementation impl("exec:misbehave stderr-noise", {SHMCHECK_PYTHON, SHMCHECK_MISBEHAVE, "stderr-noise", pidfile}, 5000ms);
  const auto out = impl.run(nlohmann::json::array({{{"op", "len"}, {"obj", "a"}}}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].ok);
  impl.close();
}

TEST(Misbehaving, ACommandThatDoesNotExistIsBrokenNotACrash) {
  try {
    ExecImplementation impl("exec:/no/such/driver", {"/no/such/driver"}, 2000ms);
    FAIL() << "a missing program passed the handshake";
  } catch (const Broken& e) {
    EXPECT_NE(std::string(e.what()).find("exited early (status 127)"), std::string::npos) << e.what();
    EXPECT_NE(e.tail().find("cannot execute /no/such/driver"), std::string::npos) << e.tail();
  }
}

TEST(Misbehaving, ADriverThatStopsReadingIsBrokenWithinTheDeadline) {
  // A request bigger than the pipe's buffer: writing it blocks until the driver reads.
  const std::string pidfile = ::testing::TempDir() + "/misbehave-deaf.pids";
  std::remove(pidfile.c_str());
  std::string reason;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    ExecImplementation impl("exec:misbehave deaf", {SHMCHECK_PYTHON, SHMCHECK_MISBEHAVE, "deaf", pidfile}, 1000ms);
    impl.run(nlohmann::json::array({{{"op", "create"}, {"shape", "value"}, {"tc", "u"}, {"as", std::string(1 << 20, 'x')}}}));
  } catch (const Broken& e) {
    reason = e.what();
  }
  EXPECT_NE(reason.find("timed out writing a request"), std::string::npos) << reason;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s) << "the write ignored the deadline";
  for (pid_t p : recorded_pids(pidfile)) EXPECT_TRUE(process_gone(p)) << "process " << p << " is still running";
}

TEST(Misbehaving, ABareIntBeyondSixtyFourBitsArrivesAsAnInt) {
  // Python's json writes 2**64 + 5 as a bare literal; nlohmann alone would read a double.
  const std::string pidfile = ::testing::TempDir() + "/misbehave-bigint.pids";
  ExecImplementation impl("exec:misbehave bare-big-int", {SHMCHECK_PYTHON, SHMCHECK_MISBEHAVE, "bare-big-int", pidfile}, 5000ms);
  const auto out = impl.run(nlohmann::json::array({{{"op", "value"}, {"obj", "a"}}}));
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0].ok) << out[0].message;
  EXPECT_EQ(out[0].result, nlohmann::json({{"int", "18446744073709551621"}}));
  impl.close();
}

TEST(Misbehaving, AnExcerptOfALongAnswerNeverEndsInsideACharacter) {
  const std::string pidfile = ::testing::TempDir() + "/misbehave-split.pids";
  std::string reason;
  try {
    ExecImplementation impl("exec:misbehave split-utf8", {SHMCHECK_PYTHON, SHMCHECK_MISBEHAVE, "split-utf8", pidfile}, 3000ms);
    impl.run(nlohmann::json::array({{{"op", "len"}, {"obj", "a"}}}));
  } catch (const Broken& e) {
    reason = e.what();
  }
  // 199 x, then 300 é (two bytes each) from byte 199 on: 200 bytes end inside the first, so
  // the excerpt stops before it and says how much it left out.
  EXPECT_NE(reason.find("not a JSON object: '" + std::string(199, 'x') + "... (600 more bytes)'"), std::string::npos) << reason;
  EXPECT_TRUE(shmcheck::protocol::is_valid_utf8(reason));
  EXPECT_NO_THROW((void)nlohmann::json(reason).dump());
}

TEST(Misbehaving, WhatItSaysOfItselfAndItsErrorsArriveAsItSaidThem) {
  // Escaping is for the console and the results (driver_text.hpp), not for observations: the
  // outcome keeps the message whole, so that a suite judges what the implementation said.
  const std::string pidfile = ::testing::TempDir() + "/misbehave-hostile.pids";
  ExecImplementation impl("exec:misbehave hostile-text", {SHMCHECK_PYTHON, SHMCHECK_MISBEHAVE, "hostile-text", pidfile}, 10000ms);
  EXPECT_NE(impl.describe().name.find("\x1b[2J"), std::string::npos);
  const auto out = impl.run(nlohmann::json::array({{{"op", "len"}, {"obj", "a"}}}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_GT(out[0].message.size(), 15u << 20);
  impl.close();
}

TEST(Misbehaving, AStressAnswerWithoutTheFieldsAJudgeNeedsIsBrokenNamingThem) {
  // {} was judged with defaults in place of the fields: torn cases failed ("did not finish").
  const std::string pidfile = ::testing::TempDir() + "/misbehave-empty.pids";
  std::string reason;
  try {
    ExecImplementation impl("exec:misbehave empty-observation", {SHMCHECK_PYTHON, SHMCHECK_MISBEHAVE, "empty-observation", pidfile}, 3000ms);
    impl.run(nlohmann::json::array({{{"op", "stress"}, {"scenario", "torn"}, {"params", nlohmann::json::object()}}}));
  } catch (const Broken& e) {
    reason = e.what();
  }
  EXPECT_NE(reason.find("answered a 'torn' observation that lacks 'finished', 'reads', 'torn' (required)"), std::string::npos) << reason;
  for (pid_t p : recorded_pids(pidfile)) EXPECT_TRUE(process_gone(p)) << "process " << p << " is still running";
}
