// Time to detection (stress/detection.hpp): the trials a run needs, when a control has run
// enough of them under --confidence, and the row the report's table shows.
#include "stress/detection.hpp"
#include "stress/judge.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace st = shmcheck::stress;
using nlohmann::json;

namespace {

st::StressCase counter(const char* mode) { return {"counter-value-" + std::string(mode), "counter", {{"mode", mode}, {"ops", 100}}, 3, ""}; }

json trial(std::int64_t expected, std::int64_t observed) {
  return {{"expected", expected}, {"observed", observed}, {"seconds", 0.1}, {"finished", true}, {"workers", json::array()}};
}

}  // namespace

TEST(Detection, TrialsNeededIsTheSmallestNWithMissProbabilityAtMostOneMinusC) {
  // p_low 0.5: (1 - 0.5)^n <= 0.001 first at n = 10 (2^-10 = 0.00098).
  EXPECT_EQ(st::trials_needed(0.999, 0.5), 10);
  // n = 9 would miss with 0.00195: not enough.
  EXPECT_GT(std::pow(0.5, 9), 0.001);
  EXPECT_EQ(st::trials_needed(0.999, 0.999), 1);
  EXPECT_EQ(st::trials_needed(0.999, 1.0), 1);
  EXPECT_EQ(st::trials_needed(0.999, 0.0), std::nullopt);  // nothing detected: no n is known to be enough
  // Rarer hazards need many more trials: p_low 0.01 -> 688.
  EXPECT_EQ(st::trials_needed(0.999, 0.01), 688);
}

TEST(Detection, AControlHasEnoughOnceItsOwnLowerBoundCallsForNoMoreTrials) {
  // Every trial detecting: the Wilson lower bound of 8/8 is 0.676, which needs 7 trials.
  EXPECT_FALSE(st::control_has_enough(5, 5, 0.999));
  EXPECT_TRUE(st::control_has_enough(8, 8, 0.999));
  const auto low = st::wilson95(8, 8).first;
  EXPECT_NEAR(low, 0.676, 0.001);
  // Half of them detecting needs more than all of them.
  EXPECT_FALSE(st::control_has_enough(4, 8, 0.999));
  EXPECT_FALSE(st::control_has_enough(0, 200, 0.999));  // never, however many trials ran
}

TEST(Detection, NegativeControlsAndFamilies) {
  EXPECT_TRUE(st::is_negative_control(counter("raw")));
  EXPECT_TRUE(st::is_negative_control(counter("per-op")));
  EXPECT_FALSE(st::is_negative_control(counter("held")));
  EXPECT_TRUE(st::is_negative_control({"torn-slice-unlocked", "torn", {{"locked", false}, {"target", "slice"}}, 1, ""}));
  EXPECT_FALSE(st::is_negative_control({"torn-q-unlocked", "torn", {{"locked", false}, {"target", "value"}}, 1, ""}));
  EXPECT_TRUE(st::is_negative_control({"ring-mpmc-tutorial", "ring", {{"variant", "mpmc-tutorial"}}, 1, ""}));
  EXPECT_FALSE(st::is_negative_control({"ring-mpmc", "ring", {{"variant", "mpmc"}}, 1, ""}));
  EXPECT_EQ(st::detection_family(counter("held")), "counter");
  EXPECT_EQ(st::detection_family({"owner-death", "owner-death", json::object(), 1, ""}), "");
}

TEST(Detection, EachTrialIsJudgedAloneAndTheRowSaysWhatARunNeeds) {
  const auto c = counter("raw");
  EXPECT_TRUE(st::detected_in(c, trial(200, 150)));
  EXPECT_FALSE(st::detected_in(c, trial(200, 200)));
  const json row = st::detection_row(c, {trial(200, 150), trial(200, 200), trial(200, 190), trial(200, 100)}, {1.0, 2.0, 3.0, 2.0}, 0.999);
  EXPECT_EQ(row["trials"], 4);
  EXPECT_EQ(row["detected"], 3);
  EXPECT_DOUBLE_EQ(row["detection_probability"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(row["seconds_per_trial"].get<double>(), 2.0);
  const auto need = st::trials_needed(0.999, st::wilson95(3, 4).first);
  ASSERT_TRUE(need);
  EXPECT_EQ(row["trials_needed"], *need);
  EXPECT_DOUBLE_EQ(row["seconds_needed"].get<double>(), 2.0 * *need);
  const json none = st::detection_row(c, {trial(200, 200)}, {1.0}, 0.999);
  EXPECT_TRUE(none["trials_needed"].is_null());
  EXPECT_TRUE(none["seconds_needed"].is_null());
}

TEST(Detection, NoDetectionIsABoundOfExactlyZero) {
  EXPECT_EQ(st::wilson95(0, 200).first, 0.0);
  EXPECT_EQ(st::wilson95(7, 7).second, 1.0);
  EXPECT_EQ(st::trials_needed(0.999, 1e-12), std::nullopt);  // no usable number: not an overflow
}
