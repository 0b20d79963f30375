#pragma once
// The stress and lifetime suite as the suite loop runs it: the cases of a size, in an order
// the seed picks, each run by run_case; the counter and lifetime rows go to results.json's
// stress and lifetime sections.
#include "cases.hpp"

#include <shmcheck/harness/suite.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace shmcheck::stress {

struct StressSettings {
  std::vector<std::string> selected;  // scenario families or case ids; empty or "all": all
  Options options;
  std::uint64_t seed = 0;             // orders the cases
  double budget_s = default_budget_s;  // per case
};

// The cases `selected` names, at the options' size; ValueError for a name that is none.
std::vector<StressCase> select_cases(const StressSettings& s);

class StressSuite : public harness::Suite {
 public:
  // `open_killable(spec)` opens a separate instance of an implementation that can be
  // SIGKILLed alone (for the in-process reference: the same served as an exec: driver).
  StressSuite(StressSettings settings, std::function<std::unique_ptr<harness::Implementation>(const std::string&)> open_killable);
  std::vector<harness::CaseInfo> cases() const override;
  std::string replay_arguments(const harness::Subject& s, const harness::CaseInfo& c) const override;
  harness::Judged run(harness::Session& session, const harness::CaseInfo& c, harness::Results& results) override;

 private:
  StressSettings settings_;
  std::vector<StressCase> cases_;
  std::function<std::unique_ptr<harness::Implementation>(const std::string&)> open_killable_;
  // Under --confidence: (implementation label, family) -> the trials its control needed.
  std::map<std::pair<std::string, std::string>, int> family_trials_;
};

}  // namespace shmcheck::stress
