#pragma once
// The audit as a suite of the run: it observes ABIs, not implementations, so it has no
// implementations to open and restart; each ABI (abi:NAME) and each CPython's ctypes
// (python:PYTHON) is a column of the results, its judged cases recorded as they come.
#include "audit.hpp"

#include <shmcheck/harness/results.hpp>

#include <string>
#include <vector>

namespace shmcheck::audit {

struct AuditRan {
  std::vector<std::string> impls;  // abi:NAME and python:PYTHON, in the order audited
  nlohmann::json section;          // results.json's audit section
  std::string work_dir;            // when kept
};

// Runs the audit with the data of `audit_dir` (audit/), prints a line per ABI, records its
// cases and sets results.json's audit section.
AuditRan audit_suite(const std::string& audit_dir, const AuditOptions& options, harness::Results& results);

}  // namespace shmcheck::audit
