#include "suite.hpp"

#include "detection.hpp"
#include "run_case.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/harness/replay.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <random>

namespace shmcheck::stress {

std::vector<StressCase> select_cases(const StressSettings& s) {
  std::vector<StressCase> all = stress_cases(s.options), out;
  if (s.selected.empty() || std::find(s.selected.begin(), s.selected.end(), "all") != s.selected.end()) return all;
  for (const auto& want : s.selected) {
    bool any = false;
    for (const auto& c : all)
      if (c.id == want || c.scenario == want || c.id.rfind(want + "-", 0) == 0) {
        if (std::none_of(out.begin(), out.end(), [&](const StressCase& x) { return x.id == c.id; })) out.push_back(c);
        any = true;
      }
    if (!any) throw ValueError("no stress scenario or case '" + want + "' (shmcheck stress --list lists them)");
  }
  return out;
}

StressSuite::StressSuite(StressSettings settings,
                         std::function<std::unique_ptr<harness::Implementation>(const std::string&)> open_killable)
    : settings_(std::move(settings)), cases_(select_cases(settings_)), open_killable_(std::move(open_killable)) {
  // The seed orders the cases: a run that depends on what ran before it can be replayed.
  std::shuffle(cases_.begin(), cases_.end(), std::mt19937_64(settings_.seed));
  // Under --confidence the controls go first (in the seed's order): the other cases of their
  // family are sized by what they needed.
  if (settings_.options.confidence)
    std::stable_partition(cases_.begin(), cases_.end(), [](const StressCase& c) { return is_negative_control(c); });
}

std::vector<harness::CaseInfo> StressSuite::cases() const {
  std::vector<harness::CaseInfo> out;
  for (const auto& c : cases_) out.push_back({c.id.rfind("lifetime-", 0) == 0 ? "lifetime" : "stress", c.id, c.claim});
  return out;
}

std::string StressSuite::replay_arguments(const harness::Subject& s, const harness::CaseInfo& c) const {
  const Options& o = settings_.options;
  std::string a = fmt::format("stress --impl {} --size {} --seed {}", harness::shell_word(s.label), o.size, settings_.seed);
  if (o.procs) a += fmt::format(" --procs {}", *o.procs);
  if (o.ops) a += fmt::format(" --ops {}", *o.ops);
  if (o.trials) a += fmt::format(" --trials {}", *o.trials);
  if (o.pin) a += " --pin";
  if (o.spacing != "packed") a += " --spacing " + o.spacing;
  if (o.confidence) a += fmt::format(" --confidence {}", *o.confidence);
  if (settings_.budget_s != default_budget_s) a += fmt::format(" --budget-s {}", settings_.budget_s);
  return a + " --case " + c.id;
}

harness::Judged StressSuite::run(harness::Session& session, const harness::CaseInfo& info, harness::Results& results) {
  const auto c = std::find_if(cases_.begin(), cases_.end(), [&](const StressCase& x) { return x.id == info.id; });
  RunContext ctx;
  const std::string spec = session.subject.specs.at(0);
  ctx.open_killable = [this, spec] { return open_killable_(spec); };
  ctx.budget_s = settings_.budget_s;
  ctx.confidence = settings_.options.confidence;
  const auto family = std::make_pair(session.subject.label, detection_family(*c));
  if (const auto it = family_trials_.find(family); it != family_trials_.end()) ctx.family_trials = it->second;
  CaseRun run = run_case(*session.impls.at(0), *c, ctx);
  if (!run.stress_row.is_null()) results.section("stress", "runs", run.stress_row);
  if (!run.detection_row.is_null()) {
    results.section("stress", "detection", run.detection_row);
    // The family's other cases get the most any of its controls needed.
    if (run.detection_row.at("trials_needed").is_number()) {
      int& need = family_trials_[family];
      need = std::max(need, run.detection_row.at("trials_needed").get<int>());
    }
  }
  if (!run.lifetime_row.is_null()) results.section("lifetime", "cases", run.lifetime_row);
  return {run.result};
}

}  // namespace shmcheck::stress
