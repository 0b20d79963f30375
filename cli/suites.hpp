#pragma once
// The suites as the command line runs them: each builds its subjects with the registry and
// runs in the harness's suite loop, into one Results. `shmcheck run --suite ...` runs several
// into one results.json; `shmcheck properties`, `stress` and `audit` run one each.
#include "audit/src/suite.hpp"
#include "properties/suite.hpp"
#include "stress/suite.hpp"

#include <shmcheck/harness/results.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace shmcheck::cli {

// What every suite that runs implementations takes from the command line.
struct Common {
  std::vector<std::string> impls;  // as given (python:all, mutant:all are expanded by the registry)
  std::uint64_t seed = 0;
  std::string expect;              // "", a file, or "none"
  int timeout_ms = 10000;
};

struct SpecOptions {
  std::vector<std::string> cases;  // ids; empty: all
  std::string clauses;             // the clauses file; empty: the data directory's spec/clauses.json
};

struct PropertyOptions {
  properties::PropertySettings settings;  // its seed is Common's
  std::string diff;                       // "A,B": differential mode, in addition to Common::impls
};

struct AuditOptions {
  std::vector<std::string> select = {"native", "python"};  // as `shmcheck audit --abi`
  std::string work_dir;
  bool keep_work = false;
  // The interpreters "python" stands for: the Pythons under test in a run; empty: every one
  // on the machine (`shmcheck audit`).
  std::vector<std::string> pythons;
};

// The interpreters of the Python implementations among `specs` (expanded), once each.
std::vector<std::string> pythons_under_test(const std::vector<std::string>& specs);

// A seed from the system, for runs that were given none (it is printed and recorded).
std::uint64_t fresh_seed();
// The results of this run: written to `json_path` ("" for none) as it goes, and recorded as
// shard `shard` ("" or K/N, validated by the option). `json_path` "-" is standard output: the
// final document, written once when the run ends, and from here on everything else the run
// prints goes to stderr. `also_to_stdout` sends the final document there too (run --out DIR
// --json -: the report needs DIR/results.json). Call it before printing anything.
harness::Results make_results(const std::string& json_path, std::uint64_t seed, const std::string& shard = "",
                              bool also_to_stdout = false);

void spec_suite(const Common& common, const SpecOptions& o, harness::Results& results);
// The subjects' labels, in order: every implementation, then the --diff pair.
std::vector<std::string> property_labels(const Common& common, const PropertyOptions& o);
void property_suite(const Common& common, const PropertyOptions& o, harness::Results& results);
void stress_suite(const Common& common, const stress::StressSettings& s, harness::Results& results);
// `cases`: fault case ids (faults/cases.hpp); empty: all.
void faults_suite(const Common& common, const std::vector<std::string>& cases, harness::Results& results);
// The audit is about ABIs, not implementations: it records abi:NAME and cpython:PYTHON entries.
audit::AuditRan audit_suite(const AuditOptions& o, harness::Results& results);

}  // namespace shmcheck::cli
