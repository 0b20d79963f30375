#include "suite.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/harness/replay.hpp>
#include <shmcheck/protocol/driver_text.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace shmcheck::properties {

PropertySuite::PropertySuite(PropertySettings settings) : settings_(std::move(settings)) {
  const auto& all = all_properties();
  for (const auto& id : settings_.only)
    if (std::none_of(all.begin(), all.end(), [&](const Property& p) { return p.id == id; }))
      throw ValueError("no property '" + id + "' (shmcheck properties --list lists them)");
}

std::vector<harness::CaseInfo> PropertySuite::cases() const {
  std::vector<harness::CaseInfo> out;
  for (const Property& p : all_properties())
    if (settings_.only.empty() || std::find(settings_.only.begin(), settings_.only.end(), p.id) != settings_.only.end())
      out.push_back({"property", p.id, p.description});
  return out;
}

std::string PropertySuite::replay_arguments(const harness::Subject& s, const harness::CaseInfo& c) const {
  const std::string subject = s.specs.size() == 2 ? "--diff " + harness::shell_word(s.specs[0] + "," + s.specs[1])
                                                  : "--impl " + harness::shell_word(s.label);
  std::string a = fmt::format("properties {} --property {} --seed {} --cases {}", subject, c.id, settings_.seed, settings_.cases);
  // Budgets only when they are not the defaults: the same budget gives the same verdict.
  if (settings_.budget_s != default_budget_s) a += fmt::format(" --budget-s {}", settings_.budget_s);
  if (settings_.shrink_budget_s != default_shrink_budget_s) a += fmt::format(" --shrink-budget-s {}", settings_.shrink_budget_s);
  if (settings_.reruns != default_reruns) a += fmt::format(" --reruns {}", settings_.reruns);
  return a;
}

harness::Description PropertySuite::describe(const harness::Subject& s, const std::vector<harness::Implementation*>& impls) const {
  if (impls.size() == 1) return impls[0]->describe();
  harness::Description d = impls[0]->describe();
  d.spec = s.label;
  d.name = "differential";
  d.version = impls[0]->describe().version + " vs " + impls[1]->describe().version;
  d.capabilities = generation_capabilities(impls);
  return d;
}

harness::Judged PropertySuite::run(harness::Session& session, const harness::CaseInfo& c, harness::Results& results) {
  const auto& all = all_properties();
  const auto p = std::find_if(all.begin(), all.end(), [&](const Property& x) { return x.id == c.id; });
  // The dialect of one implementation's version; a difference between two has none.
  const nlohmann::json dialect =
      session.impls.size() == 1 ? session.expectations.dialect() : nlohmann::json::object();
  RunSettings rs{settings_.seed, settings_.cases, settings_.reproduce, dialect, settings_.budget_s, settings_.shrink_budget_s,
                 settings_.reruns, {}};
  // A failure is reported when it is found: shrinking may take the whole shrink budget, and a
  // run killed meanwhile keeps it in results.json (run.running.found).
  rs.on_found = [&](const std::string& message, const std::string& counterexample) {
    results.note(fmt::format("{:<12} {} {}: {}\n{}  shrinking it (budget {} s)\n", "found", session.subject.label, c.id, message,
                             counterexample, settings_.shrink_budget_s),
                 {{"found", {{"message", message}, {"counterexample", counterexample}}}});
  };
  const PropertyResult pr = run_property(session.impls, rs, *p);
  harness::Judged j{pr.result, {{"seed", settings_.seed}}};
  j.extra.update(pr.details);
  if (!pr.counterexample.empty()) {
    // It shows what the implementation answered: escaped for the terminal (driver_text.hpp).
    results.print("counterexample (" + pr.result.id + "):\n" + protocol::for_console(pr.counterexample, protocol::kRecordedTextMax));
    j.extra["counterexample"] = pr.counterexample;
  }
  if (!pr.reproduce.empty()) {
    j.extra["reproduce"] = pr.reproduce;
    j.result.repro = harness::replay_command(replay_arguments(session.subject, c)) + " --reproduce " + pr.reproduce;
  }
  // Broken means it stopped speaking the protocol (or the property could not run): stop it.
  j.result.implementation_broke = j.result.verdict == harness::Verdict::broken;
  return j;
}

}  // namespace shmcheck::properties
