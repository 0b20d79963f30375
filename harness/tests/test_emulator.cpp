// Deadlines stretched for an emulated implementation: only those that bound a wait, at every
// depth; the acquire timeouts under test stay as they are.
#include <shmcheck/harness/emulator.hpp>

#include <gtest/gtest.h>

namespace h = shmcheck::harness;
using nlohmann::json;

TEST(StretchDeadlines, WaitsAreStretchedAtEveryDepthAndLockTimeoutsAreNot) {
  const json ops = json::parse(R"([
    {"op": "child_start", "as": "kid", "timeout": 3, "ops": [
      {"op": "wait_for", "obj": "flag", "item": 1, "timeout": 2},
      {"op": "acquire", "obj": "v", "timeout": 0.5},
      {"op": "child", "timeout": 1, "ops": []}]},
    {"op": "batch", "ops": [{"op": "wait_for", "obj": "flag", "item": 1, "timeout": 0.25}]},
    {"op": "stress", "scenario": "counter", "params": {"procs": 2, "timeout": 10}},
    {"op": "stress", "scenario": "owner-death", "params": {"bound": 2.0}},
    {"op": "acquire", "obj": "v", "timeout": 0.1},
    {"op": "child", "ops": []}
  ])");
  const json out = h::stretch_deadlines(ops, 4);
  EXPECT_EQ(out[0]["timeout"], 12.0);
  EXPECT_EQ(out[0]["ops"][0]["timeout"], 8.0);
  EXPECT_EQ(out[0]["ops"][1]["timeout"], 0.5) << "a lock's timeout is what is tested";
  EXPECT_EQ(out[0]["ops"][2]["timeout"], 4.0);
  EXPECT_EQ(out[1]["ops"][0]["timeout"], 1.0);
  EXPECT_EQ(out[2]["params"]["timeout"], 40.0);
  EXPECT_EQ(out[2]["params"]["procs"], 2);
  EXPECT_EQ(out[3]["params"], json({{"bound", 2.0}})) << "no timeout given: the driver's default stays";
  EXPECT_EQ(out[4]["timeout"], 0.1);
  EXPECT_FALSE(out[5].contains("timeout"));
  EXPECT_EQ(h::stretch_deadlines(ops, 1), ops);
}
