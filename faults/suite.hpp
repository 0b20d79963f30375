#pragma once
// The fault suite as the suite loop runs it: each case starts its own instance of the
// subject's implementation in the fault's surroundings (procedures.hpp), judges what it saw
// (judge.hpp) and adds a row to results.json's faults.cases.
#include "cases.hpp"

#include <shmcheck/harness/confinement.hpp>
#include <shmcheck/harness/exec_implementation.hpp>
#include <shmcheck/harness/suite.hpp>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace shmcheck::faults {

// An implementation that cannot be started confined (it runs inside shmcheck or under an
// emulator): its cases are unsupported, with this reason.
class CannotConfine : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Starts an instance of `spec` as an exec: driver in `confinement`'s surroundings; Broken
// when it cannot be started, CannotConfine when it cannot be confined.
using ConfinedOpener =
    std::function<std::unique_ptr<harness::ExecImplementation>(const std::string& spec, const harness::Confinement& confinement)>;

class FaultSuite : public harness::Suite {
 public:
  FaultSuite(std::vector<std::string> selected, ConfinedOpener open);
  std::vector<harness::CaseInfo> cases() const override;
  std::string replay_arguments(const harness::Subject& s, const harness::CaseInfo& c) const override;
  harness::Judged run(harness::Session& session, const harness::CaseInfo& c, harness::Results& results) override;

 private:
  std::vector<FaultCase> cases_;
  ConfinedOpener open_;
};

}  // namespace shmcheck::faults
