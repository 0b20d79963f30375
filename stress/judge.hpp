#pragma once
// Judging the stress suite: a case's trials (the drivers' raw observations) in, a verdict, a
// message and the statistics the report shows out. Nothing a driver says is taken as a
// verdict; only its observations are used.
#include "cases.hpp"
#include <shmcheck/harness/verdict.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace shmcheck::stress {

struct Judgement {
  harness::Verdict verdict = harness::Verdict::pass;
  std::string message;
  nlohmann::json summary = nlohmann::json::object();  // the statistics of the case
  nlohmann::json trials = nlohmann::json::array();    // per-trial figures, where the scenario has them (counter)
};

Judgement judge(const StressCase& c, const std::vector<nlohmann::json>& trials);

// By scenario, one file each (judge_counter.cpp, judge_torn.cpp, ...).
Judgement judge_counter(const StressCase& c, const std::vector<nlohmann::json>& trials);
Judgement judge_torn(const StressCase& c, const std::vector<nlohmann::json>& trials);
Judgement judge_ring(const StressCase& c, const std::vector<nlohmann::json>& trials);
Judgement judge_owner_death(const StressCase& c, const std::vector<nlohmann::json>& trials);
Judgement judge_lifetime(const StressCase& c, const std::vector<nlohmann::json>& trials);

// The 95 % Wilson score interval of `successes` in `n` trials.
std::pair<double, double> wilson95(int successes, int n);

}  // namespace shmcheck::stress
