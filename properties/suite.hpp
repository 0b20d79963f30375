#pragma once
// The property suite as the suite loop runs it: one case per property, on one implementation
// (judged by the model) or a pair (differential mode: judged against each other).
#include "property.hpp"
#include "runner.hpp"

#include <shmcheck/harness/suite.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace shmcheck::properties {

struct PropertySettings {
  std::uint64_t seed = 0;
  int cases = 100;
  std::string reproduce;          // RapidCheck's reproduce string (replays one failure)
  std::vector<std::string> only;  // property ids; empty: all
  double budget_s = default_budget_s;                // per property: its cases, wall clock
  double shrink_budget_s = default_shrink_budget_s;  // per failure: shrinking it, wall clock
  int reruns = default_reruns;
};

class PropertySuite : public harness::Suite {
 public:
  // ValueError when `only` names no property.
  explicit PropertySuite(PropertySettings settings);
  std::vector<harness::CaseInfo> cases() const override;
  std::string replay_arguments(const harness::Subject& s, const harness::CaseInfo& c) const override;
  harness::Judged run(harness::Session& session, const harness::CaseInfo& c, harness::Results& results) override;
  // A pair is listed as one implementation named "differential": what both have.
  harness::Description describe(const harness::Subject& s, const std::vector<harness::Implementation*>& impls) const override;

 private:
  PropertySettings settings_;
};

}  // namespace shmcheck::properties
