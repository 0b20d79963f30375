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

void spec_suite(const Common& common, const SpecSettings& s, Results& results);
void property_suite(const Common& common, const PropertySettings& s, Results& results);
void stress_suite(const Common& common, const StressSettings& s, Results& results);

// A seed from the system, for runs that were given none (it is printed and recorded).
std::uint64_t fresh_seed();

}  // namespace shmcheck::cli
