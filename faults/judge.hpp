#pragma once
// The verdict of a fault case, from its observation: an implementation that refuses with an
// error it reports, or works, passes; a crash by signal, an exit, a hang, a wrong value read
// back, a timeout not honoured, or anything left behind fails.
#include "cases.hpp"
#include "observation.hpp"

#include <shmcheck/harness/verdict.hpp>

#include <nlohmann/json.hpp>

namespace shmcheck::faults {

harness::CaseResult judge(const FaultCase& c, const Observation& obs);
// The row of results.json's faults.cases for it (reports/schema: $defs/faults).
nlohmann::json faults_row(const std::string& impl, const FaultCase& c, const Observation& obs, const harness::CaseResult& r,
                          const std::string& repro);

}  // namespace shmcheck::faults
