// torn: a torn read of a value that must be indivisible fails; an unlocked slice is a
// negative control.
#include "judge.hpp"

#include <shmcheck/protocol/driver_text.hpp>

#include <fmt/format.h>

namespace shmcheck::stress {

using harness::Verdict;
using nlohmann::json;

namespace {

Judgement failed(std::string why) { return {Verdict::fail, std::move(why), json::object()}; }

}  // namespace

Judgement judge_torn(const StressCase& c, const std::vector<json>& trials) {
  std::int64_t reads = 0, torn = 0;
  json examples = json::array();
  for (std::size_t k = 0; k < trials.size(); ++k) {
    const json& t = trials[k];
    for (const auto& w : t.value("workers", json::array()))
      if (w.value("exit", 0) != 0) return failed(fmt::format("trial {}: a worker ended with status {}", k + 1, w.value("exit", 0)));
    if (!t.value("finished", false)) return failed(fmt::format("trial {} did not finish before its deadline", k + 1));
    reads += t.value("reads", std::int64_t{0});
    torn += t.value("torn", std::int64_t{0});
    for (const auto& e : t.value("examples", json::array()))
      if (examples.size() < 3) examples.push_back(e);
  }
  Judgement j;
  j.summary = {{"reads", reads}, {"torn_reads", torn}, {"trials", trials.size()}, {"examples", examples}};
  const bool control = !c.params.value("locked", true) && c.params.value("target", "") == "slice";
  const std::string what = c.params.value("locked", true) ? "locked" : "unlocked";
  if (reads == 0) {
    j.verdict = Verdict::inconclusive;
    j.message = "no read overlapped the writes: nothing was checked";
  } else if (control) {
    j.verdict = torn ? Verdict::pass : Verdict::inconclusive;
    j.message = torn ? fmt::format("{} of {} unlocked slice reads were torn (as expected: a slice copy is not atomic)", torn, reads)
                     : fmt::format("no torn read in {} unlocked slice reads: the readers may not have overlapped a write", reads);
  } else if (torn) {
    j.verdict = Verdict::fail;
    j.message = fmt::format("{} of {} {} reads were torn, e.g. {}", torn, reads, what, examples.empty() ? "?" : protocol::excerpt(examples[0].dump(), 200));
  } else {
    j.message = fmt::format("{} {} reads, none torn", reads, what);
  }
  return j;
}

}  // namespace shmcheck::stress
