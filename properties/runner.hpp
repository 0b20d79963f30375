#pragma once
// Runs properties with RapidCheck and turns each outcome into a verdict: pass; fail (with the
// shrunk counterexample, the seed, RapidCheck's reproduce string and one command that
// replays only that case); unsupported (the implementation lacks a capability the property
// needs, or answered `unsupported`); inconclusive (RapidCheck gave up); broken (the
// implementation stopped speaking the protocol, or the property asked the model something it
// cannot predict).
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

struct RunSettings {
  std::uint64_t seed = 0;
  int cases = 100;
  std::string reproduce;  // RapidCheck's reproduce string (replays one failure)
  nlohmann::json dialect = nlohmann::json::object();  // the implementation's, for the model
};

struct PropertyResult {
  harness::CaseResult result;
  std::string counterexample;  // the shrunk case, one operation per line
  std::string reproduce;       // RapidCheck's string, for --reproduce
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
