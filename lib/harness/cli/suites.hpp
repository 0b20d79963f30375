#pragma once
// The suites as the command line runs them: each takes the implementations and the options
// every suite shares, and records into one Results. `shmcheck run --suite ...` runs several
// into one results.json; `shmcheck properties` and `shmcheck stress` run one each.
#include "cli/results.hpp"

#include "cases.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace shmcheck::cli {

struct Common {
  std::vector<std::string> impls;  // as given (cpython:all, mutant:all are expanded by the suite)
  std::uint64_t seed = 0;
  std::string expect;               // "", a file, or "none"
  int timeout_ms = 10000;
};

struct SpecSettings {
  std::vector<std::string> cases;  // ids; empty: all
  std::string clauses;             // the clauses file
};

struct PropertySettings {
  std::vector<std::string> only;  // property ids; empty: all
  int cases = 100;
  std::string reproduce;          // RapidCheck's reproduce string
  std::string diff;               // "A,B": differential mode, in addition to Common::impls
};

struct StressSettings {
  std::vector<std::string> selected;  // scenario families or case ids; empty: all
  stress::Options options;
};

struct AuditSettings {
  std::vector<std::string> select = {"native", "cpython"};  // as `shmcheck audit --abi`
  std::string work_dir;
  bool keep_work = false;
};

struct AuditRan {
  std::vector<std::string> impls;  // abi:NAME and cpython:PYTHON, in the order audited
  nlohmann::json section;          // results.json's audit section
  std::string work_dir;            // when kept
};

void spec_suite(const Common& common, const SpecSettings& s, Results& results);
void property_suite(const Common& common, const PropertySettings& s, Results& results);
void stress_suite(const Common& common, const StressSettings& s, Results& results);
// The audit is about ABIs, not implementations: it records abi:NAME and cpython:PYTHON entries.
AuditRan audit_suite(const AuditSettings& s, Results& results);

// A seed from the system, for runs that were given none (it is printed and recorded).
std::uint64_t fresh_seed();

}  // namespace shmcheck::cli
