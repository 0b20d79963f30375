// The fault suite's judge: what passes (works, a refusal the implementation reports) and what
// fails (a signal, an exit, a hang, a wrong value, a timeout not honoured, anything left
// behind), and that nothing it cannot tell is a pass.
#include "faults/judge.hpp"

#include <gtest/gtest.h>

namespace shmcheck::faults {
namespace {

using harness::Verdict;

const FaultCase kCase{"faults/shm-1mib", FaultKind::small_filesystem, "/dev/shm and /tmp of 1 MiB", 1 << 20, 0, {8'000'000}};

Observation with(Outcome o, const std::string& detail = "") {
  Observation obs;
  obs.steps = {{"create", "create it", true, 1, ""}, {"set", "write it", o == Outcome::works, 2, detail}};
  if (o != Outcome::works) obs.saw(o, 1, detail);
  return obs;
}

TEST(FaultJudge, WorksAndRefusedPass) {
  EXPECT_EQ(judge(kCase, with(Outcome::works)).verdict, Verdict::pass);
  const auto r = judge(kCase, with(Outcome::refused, "refused: OSError: [Errno 28] No space left on device"));
  EXPECT_EQ(r.verdict, Verdict::pass);
  EXPECT_NE(r.message.find("step 2 (set: write it)"), std::string::npos) << r.message;
}

TEST(FaultJudge, CrashesHangsAndWrongValuesFail) {
  for (const Outcome o : {Outcome::not_recovered, Outcome::signal, Outcome::exited, Outcome::hang, Outcome::wrong_value, Outcome::timeout_not_honoured})
    EXPECT_EQ(judge(kCase, with(o, "x")).verdict, Verdict::fail) << to_string(o);
}

TEST(FaultJudge, TheWorstOutcomeWinsAndTheFirstStepStays) {
  Observation obs = with(Outcome::refused, "refused");
  obs.steps.push_back({"get", "read back", false, 1, "wrong"});
  obs.saw(Outcome::wrong_value, 2, "wrong value");
  obs.saw(Outcome::refused, 2, "a later refusal");  // not worse: ignored
  EXPECT_EQ(obs.outcome, Outcome::wrong_value);
  EXPECT_EQ(obs.detail, "wrong value");
  EXPECT_EQ(*obs.first_affected, 1u);
  EXPECT_EQ(judge(kCase, obs).verdict, Verdict::fail);
}

TEST(FaultJudge, LeftBehindFailsEvenARefusal) {
  Observation obs = with(Outcome::refused, "refused");
  obs.left_behind = {"/tmp/pymp-x/"};
  const auto r = judge(kCase, obs);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(r.message.find("/tmp/pymp-x/"), std::string::npos) << r.message;
}

TEST(FaultJudge, WhatCouldNotBeToldIsNoPass) {
  Observation unsupported = with(Outcome::works);
  unsupported.unsupported = "no mount namespace";
  EXPECT_EQ(judge(kCase, unsupported).verdict, Verdict::unsupported);
  Observation broken = with(Outcome::works);
  broken.broken = "answered outside the protocol";
  EXPECT_EQ(judge(kCase, broken).verdict, Verdict::broken);
}

TEST(FaultJudge, TheRowSaysWhatHappened) {
  Observation obs = with(Outcome::signal, "killed by SIGBUS (signal 7)");
  obs.signal = 7;
  const auto r = judge(kCase, obs);
  const auto row = faults_row("python:/usr/bin/python3", kCase, obs, r, "shmcheck faults ...");
  EXPECT_EQ(row.at("outcome"), "signal");
  EXPECT_EQ(row.at("signal"), 7);
  EXPECT_EQ(row.at("first_affected").at("op"), "set");
  EXPECT_EQ(row.at("verdict"), "fail");
  EXPECT_EQ(row.at("steps").size(), 2u);
}

}  // namespace
}  // namespace shmcheck::faults
