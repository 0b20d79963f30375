#include "suites.hpp"

#include "commands.hpp"
#include "locate.hpp"
#include "pythons.hpp"
#include "registry.hpp"

#include "faults/suite.hpp"
#include "spec/spec_suite.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/harness/host.hpp>
#include <shmcheck/harness/output_file.hpp>
#include <shmcheck/harness/shard.hpp>

#include <CLI/Version.hpp>
#include <boost/version.hpp>

#include <algorithm>
#include <random>

namespace shmcheck::cli {

std::uint64_t fresh_seed() { return static_cast<std::uint64_t>(std::random_device{}()) * 0x100000000ULL + std::random_device{}(); }

harness::Results make_results(const std::string& json_path, std::uint64_t seed, const std::string& shard, bool also_to_stdout) {
  nlohmann::json host = harness::host_fingerprint();
  std::string boost = BOOST_LIB_VERSION;
  std::replace(boost.begin(), boost.end(), '_', '.');
  host["libraries"]["boost"] = boost;  // the Boost driver's
  host["libraries"]["cli11"] = CLI11_VERSION;
  const bool to_stdout = also_to_stdout || json_path == harness::kStandardOutput;
  harness::Results results(json_path == harness::kStandardOutput ? "" : json_path, seed, command_line(), host);
  if (to_stdout) results.final_document_to(harness::take_stdout_for_document());
  if (!shard.empty()) results.set_shard(harness::parse_shard(shard));
  return results;
}

void spec_suite(const Common& common, const SpecOptions& o, harness::Results& results) {
  spec::SpecSuite suite({o.clauses.empty() ? data_path("spec/clauses.json") : o.clauses, o.cases, common.seed});
  harness::run_suite(suite, subjects_of(common.impls, common.expect), opener(std::chrono::milliseconds(common.timeout_ms)), results);
}

namespace {

std::vector<harness::Subject> property_subjects(const Common& common, const PropertyOptions& o) {
  std::vector<harness::Subject> out = subjects_of(common.impls, common.expect);
  if (!o.diff.empty()) {
    const auto comma = o.diff.find(',');
    if (comma == std::string::npos || o.diff.find(',', comma + 1) != std::string::npos)
      throw ValueError("--diff takes two implementation specs separated by one comma, got '" + o.diff + "'");
    std::vector<std::string> pair = expand_specs({o.diff.substr(0, comma), o.diff.substr(comma + 1)});
    if (pair.size() != 2) throw ValueError("--diff compares exactly two implementations; '" + o.diff + "' names " + std::to_string(pair.size()));
    // A difference between two is never expected: no expectations.
    out.push_back({pair[0] + " vs " + pair[1], pair, {}});
  }
  return out;
}

}  // namespace

std::vector<std::string> property_labels(const Common& common, const PropertyOptions& o) {
  std::vector<std::string> out;
  for (const auto& s : property_subjects(common, o)) out.push_back(s.label);
  return out;
}

void property_suite(const Common& common, const PropertyOptions& o, harness::Results& results) {
  properties::PropertySettings settings = o.settings;
  settings.seed = common.seed;
  properties::PropertySuite suite(settings);
  harness::run_suite(suite, property_subjects(common, o), opener(std::chrono::milliseconds(common.timeout_ms)), results);
}

void stress_suite(const Common& common, const stress::StressSettings& s, harness::Results& results) {
  stress::StressSettings settings = s;
  settings.seed = common.seed;
  const std::chrono::milliseconds timeout(common.timeout_ms);
  stress::StressSuite suite(settings, [timeout](const std::string& spec) { return open_killable(spec, timeout); });
  harness::run_suite(suite, subjects_of(common.impls, common.expect), opener(timeout), results);
}

void faults_suite(const Common& common, const std::vector<std::string>& cases, harness::Results& results) {
  const std::chrono::milliseconds timeout(common.timeout_ms);
  faults::FaultSuite suite(cases, [timeout](const std::string& spec, const harness::Confinement& confinement) {
    return open_confined(spec, timeout, confinement);
  });
  harness::run_suite(suite, subjects_of(common.impls, common.expect), opener(timeout), results);
}

std::vector<std::string> pythons_under_test(const std::vector<std::string>& specs) {
  std::vector<std::string> out;
  for (const auto& spec : expand_specs(specs))
    if (is_python_spec(spec)) {
      const std::string python = parse_python_spec(spec).python;
      if (std::find(out.begin(), out.end(), python) == out.end()) out.push_back(python);
    }
  return out;
}

audit::AuditRan audit_suite(const AuditOptions& o, harness::Results& results) {
  results.expect_cases(0);  // its cases are known only once each ABI is observed
  audit::AuditOptions options;
  options.select = o.select;
  options.work_dir = o.work_dir;
  options.keep_work = o.keep_work;
  options.cpythons = o.pythons.empty() ? find_pythons() : o.pythons;
  options.native_probe = program_path("shmcheck_audit_probe");
  return audit::audit_suite(data_path("audit"), options, results);
}

}  // namespace shmcheck::cli
