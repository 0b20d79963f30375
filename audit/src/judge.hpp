#pragma once
// shmcheck's side of the audit: an ABI's observation against its expected table (data), the
// scenarios' counts against what must hold (a held lock and atomics are exact), and the
// audit section's entry for the ABI. Verdicts: pass, fail only for something wrong,
// unsupported or broken with the reason.
#include "config.hpp"
#include "observe.hpp"

#include <shmcheck/harness/verdict.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace shmcheck::audit {

// One ABI of this audit run, as observed.
struct AbiRun {
  std::string name;              // "linux-armhf", "cpython-3.12.1-linux-x86_64"
  std::string how;               // executed, probed, cpython
  const AbiConfig* config = nullptr;  // nullptr for cpython
  std::string python;            // python: the interpreter (CPython, PyPy)
  Observation obs;
  bool ok() const { return obs.status == Observation::Status::ok; }
  bool emulated() const { return config && !config->emulator.empty(); }
};

// The expected table: {code: {size, align, align_in_struct, signed, min, max}} and the
// compile-time facts {wchar_size, char_signed, endianness, pointer_size}.
nlohmann::json expected_typecodes(const AbiConfig& abi, const AuditData& data);
nlohmann::json expected_facts(const AbiConfig& abi, const AuditData& data);

// The table case: observed against expected, CPython's minimum sizes, and for a control
// the executed probe of the ABI it controls (nullptr when that did not run).
harness::Verdict judge_table(const AbiRun& run, const AuditData& data, const AbiRun* control, std::string& message);
// The executed scenarios: counter (fail unless the held-lock and atomic counts are exact),
// torn and cas16 (observations: pass with the counts, broken if the workers could not run).
harness::Verdict judge_counter(const AbiRun& run, std::string& message);
harness::Verdict judge_torn(const AbiRun& run, std::string& message);
harness::Verdict judge_cas16(const AbiRun& run, std::string& message);
// A CPython: ctypes against the native C ABI (fail when a size or alignment differs).
harness::Verdict judge_cpython(const AbiRun& run, const AbiRun* native, const AuditData& data, std::string& message);

// The audit section's entry (reports/schema: audit.abis[]). Integers beyond 2^53 become
// strings, as JSON readers would round them. A CPython's entry takes what ctypes cannot
// show (char's sign, lock-freedom) from `native` where its sizes agree, and says so.
nlohmann::json section_entry(const AbiRun& run, const AuditData& data, const AbiRun* native = nullptr);

// Measures the finding rules can name: torn (per typecode), counter_raw_lost, cas16_lost,
// cas16_timeout. Missing when the scenario did not run.
struct Measure {
  long long value = 0;
  std::string detail;
};
std::vector<std::pair<std::string, Measure>> measures(const AbiRun& run, const std::string& measure);

}  // namespace shmcheck::audit
