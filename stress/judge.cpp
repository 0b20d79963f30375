// The judge by scenario: each scenario's judge is in judge_<scenario>.cpp.
#include "judge.hpp"

namespace shmcheck::stress {

using nlohmann::json;

Judgement judge(const StressCase& c, const std::vector<json>& trials) {
  if (c.scenario == "counter") return judge_counter(c, trials);
  if (c.scenario == "torn") return judge_torn(c, trials);
  if (c.scenario == "ring") return judge_ring(c, trials);
  if (c.scenario == "owner-death") return judge_owner_death(c, trials);
  return judge_lifetime(c, trials);
}

}  // namespace shmcheck::stress
