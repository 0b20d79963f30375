// counter: exact modes must count every increment; negative controls report how often and
// how much they lose.
#include "history.hpp"
#include "judge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace shmcheck::stress {

using harness::Verdict;
using nlohmann::json;

std::pair<double, double> wilson95(int successes, int n) {
  if (n == 0) return {0.0, 1.0};
  const double z = 1.959963984540054, p = static_cast<double>(successes) / n, z2n = z * z / n;
  const double centre = (p + z2n / 2) / (1 + z2n);
  const double half = z * std::sqrt(p * (1 - p) / n + z2n / (4.0 * n)) / (1 + z2n);
  // At 0 (or n) successes the bound is exactly 0 (or 1); rounding would leave a few ulps, and
  // a lower bound a hair above 0 would claim a detection rate nothing showed.
  return {successes == 0 ? 0.0 : std::max(0.0, centre - half), successes == n ? 1.0 : std::min(1.0, centre + half)};
}

namespace {

// The trial's own defects (deadline, a worker that failed), "" if none.
std::string trial_defect(const json& t, std::size_t k) {
  if (!t.value("finished", false)) return fmt::format("trial {} did not finish before its deadline (deadlock?)", k + 1);
  for (const auto& w : t.value("workers", json::array()))
    if (w.value("exit", 0) != 0) return fmt::format("trial {}: a worker ended with status {}", k + 1, w.value("exit", 0));
  return "";
}

std::int64_t as_int(const json& j) {
  if (j.is_number_integer()) return j.get<std::int64_t>();
  if (j.is_object() && j.contains("int")) return std::stoll(j.at("int").get<std::string>());
  throw std::runtime_error("not an integer: " + j.dump());
}

}  // namespace

Judgement judge_counter(const StressCase& c, const std::vector<json>& trials) {
  Judgement j;
  const std::string mode = c.params.value("mode", "");
  const bool exact = mode == "held" || mode == "atomic";
  std::vector<std::int64_t> lost;
  double ops_per_second = 0;
  int detected = 0;
  for (std::size_t k = 0; k < trials.size(); ++k) {
    const json& t = trials[k];
    const std::int64_t expected = as_int(t.at("expected")), observed = as_int(t.at("observed"));
    lost.push_back(expected - observed);
    detected += observed < expected;
    if (t.value("seconds", 0.0) > 0) ops_per_second += static_cast<double>(expected) / t.at("seconds").get<double>() / static_cast<double>(trials.size());
    if (const std::string defect = trial_defect(t, k); !defect.empty() && (exact || observed > expected)) {
      j.verdict = Verdict::fail;
      j.message = defect;
      break;
    }
    if (observed > expected) {
      j.verdict = Verdict::fail;
      j.message = fmt::format("trial {}: the counter reads {}, more than the {} increments made", k + 1, observed, expected);
      break;
    }
    for (std::size_t w = 0; exact && t.contains("heartbeats") && w < t.at("heartbeats").size(); ++w)
      if (as_int(t.at("heartbeats")[w]) != c.params.value("ops", 0)) {
        j.verdict = Verdict::fail;
        j.message = fmt::format("trial {}: worker {}'s own element reads {}, not {} (it has one writer)", k + 1, w, as_int(t.at("heartbeats")[w]),
                                c.params.value("ops", 0));
      }
    if (exact && observed != expected && j.verdict == Verdict::pass) {
      j.verdict = Verdict::fail;
      j.message = fmt::format("trial {}: {} of {} increments lost in {} mode", k + 1, expected - observed, expected, mode);
    }
    if (exact && t.contains("history") && j.verdict == Verdict::pass) {
      std::vector<Increment> history;
      for (const auto& r : t.at("history"))
        history.push_back({static_cast<int>(std::clamp<std::int64_t>(as_int(r.at(0)), -1, 1 << 20)), as_int(r.at(1)), as_int(r.at(2)), as_int(r.at(3)), as_int(r.at(4))});
      const std::string why = check_counter_history(std::move(history), c.params.value("procs", 1), c.params.value("ops", 0));
      if (!why.empty()) {
        j.verdict = Verdict::fail;
        j.message = fmt::format("trial {}: {}", k + 1, why);
      }
    }
    if (j.verdict == Verdict::fail) break;
  }
  const auto [low, high] = wilson95(detected, static_cast<int>(trials.size()));
  // The figures the report shows, computed here and nowhere else: each trial's loss and
  // rate, and the loss distribution with the detection probability over trials.
  json rows = json::array();
  for (const json& t : trials) {
    const std::int64_t expected = as_int(t.at("expected")), observed = as_int(t.at("observed"));
    const double seconds = t.value("seconds", 0.0);
    rows.push_back({{"expected", expected}, {"observed", observed}, {"lost", expected - observed}, {"seconds", seconds},
                    {"ops_per_second", seconds > 0 ? static_cast<double>(expected) / seconds : 0.0}});
  }
  std::vector<std::int64_t> sorted = lost;
  std::sort(sorted.begin(), sorted.end());
  double mean = 0;
  for (const std::int64_t x : sorted) mean += static_cast<double>(x) / static_cast<double>(sorted.size());
  j.trials = rows;
  j.summary = {{"trials", trials.size()},
               {"lost",
                {{"min", sorted.empty() ? 0 : sorted.front()},
                 {"median", sorted.empty() ? 0 : sorted[sorted.size() / 2]},
                 {"mean", mean},
                 {"max", sorted.empty() ? 0 : sorted.back()}}},
               {"detected", detected},
               {"detection_probability", trials.empty() ? 0.0 : static_cast<double>(detected) / static_cast<double>(trials.size())},
               {"wilson_low", low},
               {"wilson_high", high},
               {"ops_per_second", ops_per_second},
               {"torn_reads", 0},
               {"reads", 0}};
  if (j.verdict == Verdict::fail || exact) {
    if (j.verdict == Verdict::pass)
      j.message = fmt::format("{} trials exact, {:.0f} increments/s", trials.size(), ops_per_second);
    return j;
  }
  // Negative control: a hazard seen is what it was run for; none seen proves nothing.
  const std::int64_t expected = trials.empty() ? 0 : as_int(trials[0].at("expected"));
  if (detected == 0) {
    j.verdict = Verdict::inconclusive;
    j.message = fmt::format("no lost update in {} trials of {} increments: the workers may not have overlapped (detection "
                            "probability 0, 95 % interval [{:.2f}, {:.2f}])",
                            trials.size(), expected, low, high);
  } else {
    j.message = fmt::format("lost updates in {} of {} trials (detection probability {:.2f}, 95 % interval [{:.2f}, {:.2f}]); "
                            "median lost {} of {}",
                            detected, trials.size(), static_cast<double>(detected) / static_cast<double>(trials.size()), low, high,
                            sorted[sorted.size() / 2], expected);
  }
  return j;
}

}  // namespace shmcheck::stress
