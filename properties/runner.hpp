#pragma once
// Runs properties with RapidCheck's generators (search.hpp drives them within budgets) and
// turns each outcome into a verdict: pass; fail (with the shrunk counterexample, or the
// smallest one the shrink budget reached, the seed, RapidCheck's reproduce string and one
// command that replays only that case); unsupported (the implementation lacks a capability
// the property needs, or answered `unsupported`); inconclusive (the budget ran out before the
// cases did, or too many cases were ones the model cannot judge); broken (the implementation
// stopped speaking the protocol, or a generator failed).
//
// With one implementation, every outcome is judged against the model. With two
// (differential mode), the same generated case runs on both and any difference in results
// or error kinds fails, naming the operation and both outcomes.
#include "property.hpp"

#include <shmcheck/harness/verdict.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace shmcheck::properties {

// The budgets' defaults: what a CI job can afford per property and implementation. The
// slowest correct runs (100 cases of the child properties on a CPython that spawns) take a
// fraction of the search budget; a failure adds at most the shrink budget.
constexpr double default_budget_s = 120;
constexpr double default_shrink_budget_s = 60;
constexpr int default_reruns = 8;

struct RunSettings {
  std::uint64_t seed = 0;
  int cases = 100;
  std::string reproduce;  // RapidCheck's reproduce string (replays one failure)
  nlohmann::json dialect = nlohmann::json::object();  // the implementation's, for the model
  double budget_s = default_budget_s;                // the cases, wall clock
  double shrink_budget_s = default_shrink_budget_s;  // shrinking a failure, wall clock
  int reruns = default_reruns;  // runs of a candidate once a failure is intermittent (search.hpp)
  // Called once a failing case is found, before it is shrunk: what failed and the case, one
  // operation per line.
  std::function<void(const std::string& message, const std::string& counterexample)> on_found;
};

struct PropertyResult {
  harness::CaseResult result;
  std::string counterexample;  // the shrunk case, one operation per line
  std::string reproduce;       // RapidCheck's string, for --reproduce
  // For results.json: the cases run and, for a failure, how it was shrunk.
  nlohmann::json details = nlohmann::json::object();
};

// The capabilities cases are generated for: one implementation's, with its sizes replaced by
// the platform's C sizes when it runs on this platform (so that sizes are checked, not
// believed); for two, what both have.
harness::Capabilities generation_capabilities(const std::vector<harness::Implementation*>& impls);

// Runs `c` and judges it: "" when it agrees, else the first disagreement. Throws Broken when
// an implementation broke, Unsupported when one lacks what the case needs, Unpredictable when
// the model cannot judge the case.
struct Unsupported : std::runtime_error {
  using std::runtime_error::runtime_error;
};
std::string check_case(const std::vector<harness::Implementation*>& impls, const harness::Capabilities& caps, const Case& c,
                       const nlohmann::json& dialect = nlohmann::json::object());

// Runs one property on one implementation (judged by the model) or two (differential).
PropertyResult run_property(const std::vector<harness::Implementation*>& impls, const RunSettings& settings, const Property& p);

}  // namespace shmcheck::properties
