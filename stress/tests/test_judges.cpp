// The judges on made-up observations: the figures a counter case reports, and when a
// lifetime-cycles census is a leak (any growth without a collector; growth in every window
// with one).
#include "stress/judge.hpp"

#include <gtest/gtest.h>

namespace st = shmcheck::stress;
using nlohmann::json;
using shmcheck::harness::Verdict;

namespace {

st::StressCase counter(const char* mode) { return {"counter-value-" + std::string(mode), "counter", {{"mode", mode}, {"ops", 100}}, 3, ""}; }

json trial(std::int64_t expected, std::int64_t observed, double seconds) {
  return {{"expected", expected}, {"observed", observed}, {"seconds", seconds}, {"finished", true}, {"workers", json::array()}};
}

json census(std::int64_t after, std::int64_t fds, std::int64_t maps, std::int64_t raw_maps) {
  return {{"after", after}, {"fds", fds}, {"maps", maps}, {"dev_shm", json::array()},
          {"uncollected", {{"fds", fds}, {"maps", raw_maps}, {"dev_shm", json::array()}}}};
}

st::Judgement cycles(json censuses) {
  const st::StressCase c{"lifetime-cycles", "lifetime-cycles", {{"cycles", 1000}}, 1, ""};
  return st::judge(c, {{{"census", std::move(censuses)}, {"cycles", 1000}, {"finished", true}}});
}

}  // namespace

TEST(CounterJudge, ComputesTheFiguresTheReportShowsOnce) {
  const auto j = st::judge(counter("raw"), {trial(200, 150, 0.5), trial(200, 200, 1.0), trial(200, 190, 2.0)});
  EXPECT_EQ(j.verdict, Verdict::pass) << j.message;  // a negative control that saw losses
  EXPECT_EQ(j.summary["lost"], json({{"min", 0}, {"median", 10}, {"mean", 20.0}, {"max", 50}}));
  EXPECT_EQ(j.summary["detected"], 2);
  ASSERT_EQ(j.trials.size(), 3u);
  EXPECT_EQ(j.trials[0]["lost"], 50);
  EXPECT_DOUBLE_EQ(j.trials[0]["ops_per_second"].get<double>(), 400.0);
  EXPECT_EQ(st::judge(counter("held"), {trial(200, 199, 1.0)}).verdict, Verdict::fail);
}

TEST(LifetimeJudge, WithoutACollectorAnyGrowthIsALeak) {
  // Everything came back at once (uncollected as collected): one mapping more is a leak.
  const auto j = cycles({census(100, 10, 90, 90), census(400, 10, 90, 90), census(700, 10, 91, 91), census(1000, 10, 91, 91)});
  EXPECT_EQ(j.verdict, Verdict::fail) << j.message;
}

TEST(LifetimeJudge, WithACollectorGrowthInSomeWindowsIsWhatTheAllocatorKeeps) {
  const auto j = cycles({census(100, 10, 90, 300), census(400, 12, 93, 500), census(700, 12, 93, 400), census(1000, 12, 94, 600)});
  EXPECT_EQ(j.verdict, Verdict::pass) << j.message;
  EXPECT_NE(j.message.find("not a leak"), std::string::npos) << j.message;
  EXPECT_NE(j.message.find("came back only after a collection"), std::string::npos) << j.message;
}

TEST(LifetimeJudge, WithACollectorGrowthInEveryWindowIsALeak) {
  const auto j = cycles({census(100, 10, 90, 300), census(400, 11, 93, 500), census(700, 12, 96, 400), census(1000, 13, 99, 600)});
  EXPECT_EQ(j.verdict, Verdict::fail) << j.message;
  EXPECT_NE(j.message.find("fds 10 -> 13"), std::string::npos) << j.message;
}
