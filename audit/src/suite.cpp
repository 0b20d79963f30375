#include "suite.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace shmcheck::audit {

AuditRan audit_suite(const std::string& audit_dir, const AuditOptions& options, harness::Results& results) {
  const AuditData data = load_data(audit_dir);
  AuditRan ran;
  const AuditOutcome outcome = run_audit(data, options, [&](const AbiRun& run, const std::vector<AuditCase>& cases) {
    std::vector<std::string> verdicts;
    for (const auto& c : cases) verdicts.push_back(fmt::format("{} {}", c.result.id, harness::to_string(c.result.verdict)));
    results.print(fmt::format("{:<40} {:<8} {:5.1f} s  {}\n", run.name, run.how, run.obs.seconds, fmt::join(verdicts, ", ")));
    for (const auto& c : cases) {
      results.implementation(c.impl);
      if (std::find(ran.impls.begin(), ran.impls.end(), c.impl.spec) == ran.impls.end()) ran.impls.push_back(c.impl.spec);
      results.record(c.impl.spec, {}, c.result);
    }
  }, [&](const std::string& name, const std::string& repro) {
    // On disk before its probe runs: a run killed here says which ABI it was observing.
    harness::CaseResult r;
    r.suite = "audit";
    r.id = "table";
    r.repro = repro;
    results.begin(name, r);
  });
  results.set_section("audit", outcome.section);
  ran.work_dir = outcome.work_dir;
  ran.section = outcome.section;
  return ran;
}

}  // namespace shmcheck::audit
