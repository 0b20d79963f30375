// shmcheck run: runs suites against implementations into one results.json, prints a summary,
// and with --out DIR writes the report (index.html, junit.xml) next to it. Also the spec
// suite itself.
#include "cli/commands.hpp"
#include "cli/suites.hpp"
#include "registry.hpp"
#include "spec/spec_suite.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/version.hpp>

#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <algorithm>
#include <set>

#ifndef SHMCHECK_SPEC_DIR
#define SHMCHECK_SPEC_DIR "lib/harness/spec"
#endif
#ifndef SHMCHECK_SOURCE_DIR
#define SHMCHECK_SOURCE_DIR "."
#endif

namespace shmcheck::cli {

using harness::CaseResult;
using harness::Verdict;

std::uint64_t fresh_seed() { return static_cast<std::uint64_t>(std::random_device{}()) * 0x100000000ULL + std::random_device{}(); }

void spec_suite(const Common& common, const SpecSettings& s, Results& results) {
  std::vector<harness::SpecCase> cases = harness::load_clauses(s.clauses);
  for (auto& c : harness::generate_matrix(common.seed)) cases.push_back(std::move(c));
  if (!s.cases.empty()) {
    const std::set<std::string> wanted(s.cases.begin(), s.cases.end());
    std::erase_if(cases, [&](const harness::SpecCase& c) { return !wanted.contains(c.id); });
    if (cases.size() != wanted.size()) throw ValueError("some --case ids name no case of the spec suite");
  }
  for (const auto& impl : drivers::expand_specs(common.impls)) {
    const harness::Expectations expectations = expectations_for(common.expect, impl);
    std::string impl_version, broken_reason;
    std::unique_ptr<harness::Implementation> implementation;
    bool gave_up = false;  // it could not be started: every remaining case is broken with broken_reason
    try {
      implementation = drivers::open_implementation(impl, std::chrono::milliseconds(common.timeout_ms));
      const auto& d = implementation->describe();
      impl_version = d.version;
      results.implementation(d);
      std::cout << fmt::format("{}: {} {}\n", impl, d.name, d.version);
    } catch (const harness::Broken& e) {
      broken_reason = harness::reason_with_stderr(e);
      gave_up = true;
      results.broken_implementation(impl, broken_reason);
    }
    for (const auto& c : cases) {
      CaseResult r;
      if (!implementation && !gave_up) {
        // It broke on the previous case and was killed (its process group, its /dev/shm
        // names): a fresh one runs the next case, as the properties do.
        try {
          implementation = drivers::open_implementation(impl, std::chrono::milliseconds(common.timeout_ms));
          std::cout << fmt::format("{}: restarted after it broke\n", impl);
        } catch (const harness::Broken& e) {
          broken_reason = "could not be restarted after it broke: " + harness::reason_with_stderr(e);
          gave_up = true;
        }
      }
      if (implementation) {
        r = harness::run_spec_case(c, *implementation);
        // Only a real break ends this driver; a refused request is that case's verdict alone.
        if (r.implementation_broke) implementation.reset();
      } else {
        r.suite = "spec";
        r.id = c.id;
        r.source = c.source;
        r.verdict = Verdict::broken;
        r.message = broken_reason;
      }
      r.repro = fmt::format("build/bin/shmcheck run --impl {} --suite spec --case {} --seed {}", shell_word(impl), r.id, common.seed);
      results.record(impl, impl_version, expectations, std::move(r));
    }
  }
}

namespace {

struct RunOptions {
  Common common{{"ref"}, fresh_seed(), "", 10000};  // --seed overrides the fresh one
  std::vector<std::string> suites{"spec"};
  SpecSettings spec{{}, std::string(SHMCHECK_SPEC_DIR) + "/clauses.json"};
  PropertySettings property;
  StressSettings stress;
  AuditSettings audit;
  std::string json_out, out_dir;
};

// The report of DIR/results.json: Debian's python3 and the reports package (reports/README.md).
int render_report(const std::string& dir) {
  const char* python = std::getenv("SHMCHECK_REPORT_PYTHON");
  const std::string py = python && *python ? python : "/usr/bin/python3";
  std::cout << std::flush;  // before the child writes to the same stdout
  const pid_t pid = fork();
  if (pid < 0) throw OSError(errno, "fork for the report");
  if (pid == 0) {
    setenv("PYTHONPATH", SHMCHECK_SOURCE_DIR, 1);
    execl(py.c_str(), py.c_str(), "-m", "reports", "all", (dir + "/results.json").c_str(), "-o", dir.c_str(), nullptr);
    std::cerr << "shmcheck: cannot run " << py << " for the report\n";
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int run(RunOptions o) {
  std::vector<std::string> suites;
  for (const auto& suite : o.suites) {
    // The audit is in `all` at its native size (this machine's C ABI and every CPython's
    // ctypes, seconds); `shmcheck audit --abi all` is the cross-ABI one (ci/audit).
    if (suite == "all") suites.insert(suites.end(), {"spec", "property", "stress", "audit"});
    else if (suite == "spec" || suite == "property" || suite == "stress" || suite == "audit") suites.push_back(suite);
    else throw ValueError("unknown suite '" + suite + "' (spec, property, stress, audit or all)");
  }
  std::string json_out = o.json_out;
  if (!o.out_dir.empty()) {
    if (mkdir(o.out_dir.c_str(), 0777) != 0 && errno != EEXIST) throw OSError(errno, "creating " + o.out_dir);
    if (json_out.empty()) json_out = o.out_dir + "/results.json";
  }
  std::cout << fmt::format("shmcheck {} seed {} suites {}\n", version, o.common.seed, fmt::join(suites, ","));
  Results results(json_out, o.common.seed, command_line());
  std::vector<std::string> audited;
  for (const auto& suite : suites) {
    if (suite == "spec") spec_suite(o.common, o.spec, results);
    if (suite == "property") property_suite(o.common, o.property, results);
    if (suite == "stress") stress_suite(o.common, o.stress, results);
    if (suite == "audit") audited = audit_suite(o.audit, results).impls;
  }
  std::vector<std::string> summarized = drivers::expand_specs(o.common.impls);
  for (const auto& impl : audited)
    if (std::find(summarized.begin(), summarized.end(), impl) == summarized.end()) summarized.push_back(impl);
  results.print_summary(summarized);
  int status = results.exit_status();
  if (!o.out_dir.empty()) {
    const int rendered = render_report(o.out_dir);
    if (rendered != 0) {
      std::cerr << fmt::format("shmcheck: the report of {} could not be written (status {})\n", json_out, rendered);
      if (status == 0) status = broke;
    } else {
      std::cout << fmt::format("report: {}/index.html (JUnit: {}/junit.xml)\n", o.out_dir, o.out_dir);
    }
  }
  return status;
}

}  // namespace

void add_run(CLI::App& app, int& status) {
  auto o = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand("run", "Run suites against implementations into one results.json, and a report with --out");
  cmd->add_option("--impl", o->common.impls,
                  "Implementation to check: ref, boost, exec:CMD, cpython[:PYTHON][@METHOD], cpython:all, mutant:NAME, mutant:all")
      ->capture_default_str();
  cmd->add_option("--suite", o->suites, "Suites to run: spec, property, stress, audit (native ABI and CPython's ctypes), or all")->capture_default_str();
  cmd->add_option("--case", o->spec.cases, "Spec suite: run only these case ids");
  cmd->add_option("--clauses", o->spec.clauses, "Spec suite: the clauses file")->capture_default_str();
  cmd->add_option("--cases", o->property.cases, "Property suite: generated cases per property")->capture_default_str()->check(CLI::Range(1, 1000000));
  cmd->add_option("--size", o->stress.options.size, "Stress suite: quick, ci or thorough")->capture_default_str();
  cmd->add_option("--audit-abi", o->audit.select, "Audit suite: ABIs as `shmcheck audit --abi` takes them")
      ->capture_default_str();
  cmd->add_option("--json", o->json_out, "Write results JSON here (rewritten after every result)");
  cmd->add_option("--out", o->out_dir, "Write DIR/results.json, DIR/index.html and DIR/junit.xml");
  cmd->add_option("--timeout-ms", o->common.timeout_ms, "Deadline for each request to a driver; past it the driver is broken")
      ->capture_default_str();
  cmd->add_option("--expect", o->common.expect,
                  "Expected-failures file, or 'none' (default: drivers/cpython/ or drivers/boost/expectations.json)");
  cmd->add_option("--seed", o->common.seed, "Seed for generated cases (default: random, printed)");
  cmd->footer("Exit status: 0 nothing failed or broke unexpectedly, 1 something failed unexpectedly, 2 bad usage or input, "
              "3 something broke (and nothing failed), or the report could not be written.");
  cmd->callback([&status, o] { status = run(*o); });
}

}  // namespace shmcheck::cli
