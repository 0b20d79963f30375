#pragma once
// The portability audit as one call: select ABIs, observe each (observe.hpp), judge each
// (judge.hpp), word the findings (findings.hpp), and return the cases and the results'
// `audit` section. suite.hpp records them.
#include "config.hpp"
#include "judge.hpp"

#include <shmcheck/harness/implementation.hpp>
#include <shmcheck/harness/verdict.hpp>

#include <functional>
#include <string>
#include <vector>

namespace shmcheck::audit {

struct AuditOptions {
  // Names from the command line: native, executed, probed, python (or cpython), python:PYTHON, all, or
  // ABI names of audit/data/abis.json. The baseline is always added: findings are
  // deviations from it, and CPython is compared with the native ABI.
  std::vector<std::string> select = {"native"};
  std::string work_dir;  // "" : a fresh one under $TMPDIR, removed afterwards
  bool keep_work = false;
  std::vector<std::string> cpythons;  // the interpreters "cpython" and "all" stand for
  std::string native_probe;           // the probe built for this host (shmcheck_audit_probe)
};

struct AuditCase {
  harness::Description impl;  // "abi:linux-armhf" or the cpython spec
  harness::CaseResult result;
};

struct AuditOutcome {
  std::vector<AbiRun> runs;
  std::vector<AuditCase> cases;
  nlohmann::json section;  // results.json's audit
  std::string work_dir;    // when kept
};

// What `select` stands for: ABI names in data order, then "python:PYTHON" entries.
// ValueError for a name that is none of the above.
std::vector<std::string> resolve_selection(const AuditData& data, const std::vector<std::string>& select,
                                           const std::vector<std::string>& cpythons, const std::string& host_machine);

// Runs the audit; `starting` is called before each ABI is observed (with its selection name
// and replay command), `progress` as each has been observed and judged. An interrupted run
// (harness/interrupt.hpp) stops after the ABI under way, which is judged `broken`, not by
// what its killed probe said; the section then holds the ABIs observed before.
AuditOutcome run_audit(const AuditData& data, const AuditOptions& options,
                       const std::function<void(const AbiRun&, const std::vector<AuditCase>&)>& progress,
                       const std::function<void(const std::string&, const std::string&)>& starting = {});

}  // namespace shmcheck::audit
