#pragma once
// The stress suite's cases: each scenario (stress/SCENARIOS.md) with its parameters, as data
// generated from a size (quick, ci, thorough) and the command line's overrides.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shmcheck::stress {

struct StressCase {
  std::string id;        // "counter-value-held"
  std::string scenario;  // the protocol's scenario name, or lifetime-aliasing (run by shmcheck)
  nlohmann::json params;
  int trials = 1;
  std::string claim;     // what the case checks, for people
};

struct Options {
  std::string size = "ci";  // quick | ci | thorough
  std::optional<int> procs;
  std::optional<std::int64_t> ops;
  std::optional<int> trials;
  bool pin = false;
  std::string spacing = "packed";
  // Size trials for this probability of detection per run (detection.hpp) instead of by size.
  std::optional<double> confidence;
};

// A case's wall-clock budget (run_case.hpp): no trial starts past it. The ci size's slowest
// case (a CPython's counter trials) takes a fraction of it; thorough may need --budget-s.
constexpr double default_budget_s = 300;

// Every case at this size; ValueError for an unknown size.
std::vector<StressCase> stress_cases(const Options& options);
// The scenario names a case list covers ("counter", "torn", ... "lifetime").
std::vector<std::string> scenario_families();

}  // namespace shmcheck::stress
