// owner-death: every waiter gets the lock of an owner that died holding it, within the bound.
#include "judge.hpp"

#include <fmt/format.h>

namespace shmcheck::stress {

using harness::Verdict;
using nlohmann::json;

Judgement judge_owner_death(const StressCase&, const std::vector<json>& trials) {
  Judgement j;
  int acquired = 0, waiters = 0;
  double slowest = 0;
  json recoveries = json::array();
  for (std::size_t k = 0; k < trials.size(); ++k) {
    const json& t = trials[k];
    if (!t.value("killed", false)) return {Verdict::broken, fmt::format("trial {}: the lock's owner never said it held the lock", k + 1), {}};
    recoveries.push_back(t.value("recoveries", json()));
    for (const auto& w : t.at("waiters")) {
      ++waiters;
      acquired += w.value("acquired", false);
      if (w.contains("seconds") && w.at("seconds").is_number()) slowest = std::max(slowest, w.at("seconds").get<double>());
    }
  }
  j.summary = {{"trials", trials.size()}, {"waiters", waiters}, {"acquired", acquired}, {"slowest_seconds", slowest}, {"recoveries", recoveries}};
  const double bound = trials.empty() ? 0 : trials[0].value("bound", 0.0);
  if (acquired < waiters) {
    j.verdict = Verdict::fail;
    j.message = fmt::format("lock not recovered after owner death: {} of {} waiters got it within {} s", acquired, waiters, bound);
  } else {
    j.message = fmt::format("every waiter got the lock, the slowest after {:.3f} s; recoveries reported: {}", slowest, recoveries.dump());
  }
  return j;
}

}  // namespace shmcheck::stress
