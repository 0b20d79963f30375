// ring: every item consumed exactly once, in order per producer; the tutorial's
// multi-producer ring is a negative control.
#include "judge.hpp"

#include <fmt/format.h>

#include <map>

namespace shmcheck::stress {

using harness::Verdict;
using nlohmann::json;

Judgement judge_ring(const StressCase& c, const std::vector<json>& trials) {
  const bool control = c.params.value("variant", "") == "mpmc-tutorial";
  const std::int64_t items = c.params.value("items", std::int64_t{0});
  std::int64_t lost = 0, duplicated = 0, reordered = 0, unfinished = 0, consumed_total = 0;
  for (const json& t : trials) {
    std::map<std::int64_t, int> seen;
    for (const auto& list : t.at("consumed")) {
      std::map<std::int64_t, std::int64_t> last;  // producer -> last seq this consumer took
      for (const auto& v : list) {
        const std::int64_t item = v.get<std::int64_t>(), producer = item / 1000000, seq = item % 1000000;
        ++seen[item];
        ++consumed_total;
        if (last.count(producer) && seq <= last[producer]) ++reordered;
        last[producer] = seq;
      }
    }
    const auto& produced = t.at("produced");
    for (std::size_t p = 0; p < produced.size(); ++p)
      for (std::int64_t seq = 0; seq < produced[p].get<std::int64_t>(); ++seq)
        if (!seen.count(static_cast<std::int64_t>(p) * 1000000 + seq)) ++lost;
    for (const auto& [item, n] : seen) duplicated += n - 1;
    unfinished += !t.value("finished", false);
  }
  Judgement j;
  j.summary = {{"trials", trials.size()}, {"lost", lost}, {"duplicated", duplicated}, {"reordered", reordered},
               {"unfinished", unfinished}, {"consumed", consumed_total}, {"items_per_producer", items}};
  const bool anomaly = lost || duplicated || reordered || unfinished;
  const std::string counts = fmt::format("{} lost, {} duplicated, {} out of order, {} of {} trials unfinished", lost, duplicated,
                                         reordered, unfinished, trials.size());
  if (control) {
    j.verdict = anomaly ? Verdict::pass : Verdict::inconclusive;
    j.message = anomaly ? "the tutorial's code is unsafe with several producers and consumers: " + counts
                        : "no anomaly seen in the tutorial's multi-producer code this time: " + counts;
  } else {
    j.verdict = anomaly ? Verdict::fail : Verdict::pass;
    j.message = counts;
  }
  return j;
}

}  // namespace shmcheck::stress
