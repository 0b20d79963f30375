#pragma once
// Runs one stress case against an implementation: shmcheck's census before and after, the
// trials (one `stress` request each; aliasing and the creator's death are run by shmcheck
// itself) as many as the budget allows, then the judgement. The driver only observes.
#include "cases.hpp"
#include "judge.hpp"

#include <shmcheck/harness/implementation.hpp>
#include <shmcheck/harness/verdict.hpp>

#include <functional>
#include <memory>
#include <optional>

namespace shmcheck::stress {

struct CaseRun {
  harness::CaseResult result;
  nlohmann::json stress_row;    // results.json stress.runs (counter cases), or null
  nlohmann::json lifetime_row;  // results.json lifetime.cases (lifetime cases), or null
  nlohmann::json detection_row; // results.json stress.detection (negative controls, detection.hpp), or null
};

// Under --confidence, a negative control runs at most this many trials to reach it.
constexpr int kControlTrialCap = 200;

struct RunContext {
  // A separate instance of the implementation that can be SIGKILLed (lifetime-create).
  std::function<std::unique_ptr<harness::Implementation>()> open_killable;
  // Wall clock: no trial but the first starts past it. A trial is not cut short (killing the
  // driver would make a slow implementation broken); each is bounded by its own timeout.
  double budget_s = default_budget_s;
  // --confidence (detection.hpp): trials are sized for it instead of by the size.
  std::optional<double> confidence{};
  // ... and for a case that is not a control, what its family's control needed, if it ran.
  std::optional<int> family_trials{};
};

CaseRun run_case(harness::Implementation& impl, const StressCase& c, const RunContext& ctx);

}  // namespace shmcheck::stress
