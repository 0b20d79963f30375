#include "suite.hpp"

#include "judge.hpp"
#include "procedures.hpp"

#include <shmcheck/harness/replay.hpp>

#include <algorithm>
#include <chrono>

namespace shmcheck::faults {


FaultSuite::FaultSuite(std::vector<std::string> selected, ConfinedOpener open)
    : cases_(select_fault_cases(selected)), open_(std::move(open)) {}

std::vector<harness::CaseInfo> FaultSuite::cases() const {
  std::vector<harness::CaseInfo> out;
  for (const auto& c : cases_) out.push_back({"faults", c.id, c.fault});
  return out;
}

std::string FaultSuite::replay_arguments(const harness::Subject& s, const harness::CaseInfo& c) const {
  return "faults --impl " + harness::shell_word(s.label) + " --case " + c.id;
}

harness::Judged FaultSuite::run(harness::Session& session, const harness::CaseInfo& info, harness::Results& results) {
  const FaultCase& c = *std::find_if(cases_.begin(), cases_.end(), [&](const FaultCase& x) { return x.id == info.id; });
  harness::Confinement confinement;
  if (c.kind == FaultKind::small_filesystem || c.kind == FaultKind::full_during_use)
    confinement.dev_shm_bytes = confinement.tmp_bytes = c.filesystem_bytes;
  Observation obs;
  const auto started = std::chrono::steady_clock::now();
  std::unique_ptr<harness::ExecImplementation> impl;
  try {
    if (const std::string why = harness::confinement_unavailable(confinement); !why.empty()) throw CannotConfine(why);
    impl = open_(session.subject.specs.at(0), confinement);
  } catch (const CannotConfine& e) {
    obs.unsupported = e.what();
  } catch (const harness::Broken& e) {
    obs.broken = harness::reason_with_stderr(e);
  }
  if (impl) {
    Stage stage(*impl, obs);
    try {
      run_procedure(c, stage);
    } catch (const Ended&) {
    }
    // What is left once it has ended (stop waits for its exit and for what it started).
    for (const auto& name : impl->stop())
      obs.left_behind.push_back("/dev/shm/" + name);
    for (const auto& entry : impl->tmp_entries())
      obs.left_behind.push_back(entry);
  }
  harness::CaseResult r = judge(c, obs);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::string repro = harness::replay_command(replay_arguments(session.subject, info));
  results.section("faults", "cases", faults_row(session.subject.label, c, obs, r, repro));
  return {r};
}

}  // namespace shmcheck::faults
