#pragma once
// Findings: what differs between ABIs, worded for people by the rules of
// audit/data/findings.json. Every deviation of an ABI from the baseline in a typecode field
// or a platform fact becomes a finding, by a rule or by the generic wording; measured
// scenarios become findings where a rule says so. ABIs with the same deviation share one.
#include "judge.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace shmcheck::audit {

// The C ABIs (executed and probed) that were observed, against `baseline` (one of them).
std::vector<nlohmann::json> abi_findings(const std::vector<const AbiRun*>& runs, const AbiRun& baseline,
                                         const nlohmann::json& rules);
// The CPythons against the native C ABI: agreement, mismatches, missing typecodes, array
// itemsizes that differ from ctypes.
std::vector<nlohmann::json> cpython_findings(const std::vector<const AbiRun*>& cpythons, const AbiRun& native,
                                             const nlohmann::json& rules);
// An ABI whose table case failed: one error finding with the judge's message.
nlohmann::json table_finding(const AbiRun& run, const std::string& message, const nlohmann::json& rules);

// "`q`", "`l` and `L`", "`q`, `Q` and `d`".
std::string code_list(const std::vector<std::string>& codes);
// Replaces {name} by vars[name]; unknown names stay as they are.
std::string fill(std::string text, const std::map<std::string, std::string>& vars);

}  // namespace shmcheck::audit
