#include "detection.hpp"

#include "judge.hpp"

#include <cmath>
#include <numeric>

namespace shmcheck::stress {

using nlohmann::json;

bool is_negative_control(const StressCase& c) {
  if (c.scenario == "counter") {
    const std::string mode = c.params.value("mode", "");
    return mode == "raw" || mode == "per-op";
  }
  if (c.scenario == "torn") return !c.params.value("locked", true) && c.params.value("target", "") == "slice";
  if (c.scenario == "ring") return c.params.value("variant", "") == "mpmc-tutorial";
  return false;
}

std::string detection_family(const StressCase& c) {
  if (c.scenario == "counter" || c.scenario == "torn" || c.scenario == "ring") return c.scenario;
  return "";
}

bool detected_in(const StressCase& c, const json& trial) {
  return judge(c, {trial}).verdict == harness::Verdict::pass;
}

std::optional<int> trials_needed(double confidence, double p_low) {
  if (!(p_low > 0)) return std::nullopt;
  if (p_low >= 1) return 1;
  // ln(1 - C) / ln(1 - p): both negative; a tiny epsilon keeps an exact integer from rounding up.
  const double n = std::log1p(-confidence) / std::log1p(-p_low);
  if (!(n < 1e9)) return std::nullopt;  // a bound that close to 0 says nothing usable (and would overflow)
  return std::max(1, static_cast<int>(std::ceil(n - 1e-9)));
}

bool control_has_enough(int detections, int k, double confidence) {
  const auto need = trials_needed(confidence, wilson95(detections, k).first);
  return need && k >= *need;
}

json detection_row(const StressCase& c, const std::vector<json>& trials, const std::vector<double>& trial_seconds, double confidence) {
  int detected = 0;
  for (const json& t : trials) detected += detected_in(c, t);
  const int k = static_cast<int>(trials.size());
  const auto [low, high] = wilson95(detected, k);
  const double mean_seconds =
      trial_seconds.empty() ? 0.0 : std::accumulate(trial_seconds.begin(), trial_seconds.end(), 0.0) / static_cast<double>(trial_seconds.size());
  const auto need = trials_needed(confidence, low);
  json row = {{"case", c.id},
              {"scenario", c.scenario},
              {"trials", k},
              {"detected", detected},
              {"detection_probability", k ? static_cast<double>(detected) / k : 0.0},
              {"wilson_low", low},
              {"wilson_high", high},
              {"seconds_per_trial", mean_seconds},
              {"confidence", confidence},
              {"trials_needed", need ? json(*need) : json(nullptr)},
              {"seconds_needed", need ? json(*need * mean_seconds) : json(nullptr)}};
  return row;
}

}  // namespace shmcheck::stress
