// A case run on answers that lack what its judge needs: broken, naming the field, never a
// verdict reached with a default in the field's place. Before, {} failed the torn cases ("did
// not finish") and passed lifetime-creator-killed ("0 objects created, nothing left").
#include "stress/run_case.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace st = shmcheck::stress;
namespace h = shmcheck::harness;
using nlohmann::json;

namespace {

// Answers every stress request with `observation`, everything else with null.
class Answers : public h::Implementation {
 public:
  explicit Answers(json observation) : observation_(std::move(observation)) {
    d_.spec = d_.name = "answers";
    d_.capabilities.scenarios = {"torn", "lifetime-create"};
  }
  const h::Description& describe() const override { return d_; }
  std::vector<h::Outcome> run(const json& ops) override {
    std::vector<h::Outcome> out;
    for (const auto& op : ops) {
      h::Outcome o;
      o.result = op.at("op") == "stress" ? observation_ : json();
      out.push_back(o);
    }
    return out;
  }

 private:
  json observation_;
  h::Description d_;
};

st::StressCase case_named(const std::string& id) {
  const auto cases = st::stress_cases(st::Options{});
  const auto c = std::find_if(cases.begin(), cases.end(), [&](const st::StressCase& x) { return x.id == id; });
  if (c == cases.end()) throw std::runtime_error("no case " + id);
  return *c;
}

h::CaseResult run(const std::string& id, const json& observation) {
  Answers impl(observation);
  const st::RunContext ctx{[observation] { return std::make_unique<Answers>(observation); }};
  return st::run_case(impl, case_named(id), ctx).result;
}

}  // namespace

TEST(RunCase, ATornObservationWithoutItsFieldsIsBrokenNamingThem) {
  const auto r = run("torn-q-locked", json::object());
  EXPECT_EQ(r.verdict, h::Verdict::broken) << r.message;
  EXPECT_NE(r.message.find("lacks 'finished', 'reads', 'torn' (required)"), std::string::npos) << r.message;
  EXPECT_TRUE(r.implementation_broke);
  // With them, it is judged: here, reads that overlapped nothing prove nothing.
  EXPECT_EQ(run("torn-q-locked", {{"reads", 0}, {"torn", 0}, {"finished", true}}).verdict, h::Verdict::inconclusive);
}

TEST(RunCase, ACreatorThatCreatedNothingIsBrokenNeverPassed) {
  const auto empty = run("lifetime-creator-killed", json::object());
  EXPECT_EQ(empty.verdict, h::Verdict::broken) << empty.message;
  EXPECT_NE(empty.message.find("lacks 'created' (required)"), std::string::npos) << empty.message;
  const auto none = run("lifetime-creator-killed", {{"created", 0}});
  EXPECT_EQ(none.verdict, h::Verdict::broken) << none.message;
  EXPECT_NE(none.message.find("created 0 objects, not the 100 asked for"), std::string::npos) << none.message;
}

namespace {

// Creates what it is asked to, and when killed leaves a /dev/shm name that is not UTF-8 in its
// own /dev/shm (a name is any bytes but '/' and NUL), as a driver in namespaces would.
class LeavesABadName : public Answers {
 public:
  LeavesABadName() : Answers(json{{"created", 100}}) {}
  bool kill_now() override { return killed_ = true; }
  std::optional<std::vector<std::string>> own_dev_shm() const override {
    if (!killed_) return std::vector<std::string>{};
    return std::vector<std::string>{"left-\xff\xfe-\x1b[2J"};
  }
  std::string isolation() const override { return "namespaces (a test's word for it)"; }

 private:
  bool killed_ = false;
};

}  // namespace

TEST(RunCase, ANameACreatorLeftThatIsNotUtf8IsReportedEscapedNotAThrow) {
  // The name went into the observation as it was, and the judge's left.dump() threw
  // (nlohmann's type_error 316): the run ended instead of the case failing.
  Answers impl(json{{"created", 100}});
  const st::RunContext ctx{[] { return std::make_unique<LeavesABadName>(); }};
  const st::CaseRun run = st::run_case(impl, case_named("lifetime-creator-killed"), ctx);
  EXPECT_EQ(run.result.verdict, h::Verdict::fail) << run.result.message;
  EXPECT_NE(run.result.message.find("/dev/shm + left-\\\\xff\\\\xfe-\\u001b[2J"), std::string::npos) << run.result.message;
  EXPECT_NO_THROW((void)run.lifetime_row.dump());
  EXPECT_NO_THROW((void)json(run.result.message).dump());
}
