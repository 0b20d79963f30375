// shmcheck run: runs suites against implementations into one results.json, prints a summary,
// and with --out DIR writes the report (index.html, junit.xml) next to it.
#include "commands.hpp"
#include "locate.hpp"
#include "options.hpp"
#include "registry.hpp"
#include "suites.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/harness/output_file.hpp>
#include <shmcheck/version.hpp>

#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <system_error>
#include <thread>

namespace shmcheck::cli {
namespace {

struct RunOptions {
  Common common{{"ref"}, fresh_seed(), "", 10000};  // --seed overrides the fresh one
  std::vector<std::string> suites{"spec"};
  SpecOptions spec;
  PropertyOptions property;
  stress::StressSettings stress;
  AuditOptions audit;
  std::string json_out, out_dir;
  std::string shard;  // "K/N", or "" for the whole run
  std::optional<double> budget_s;  // per property and per stress case; else each suite's default
};

// The report of DIR/results.json: Debian's python3 and the reports package (reports/README.md).
int render_report(const std::string& dir) {
  const char* python = std::getenv("SHMCHECK_REPORT_PYTHON");
  const std::string py = python && *python ? python : "/usr/bin/python3";
  const std::string reports_root = data_dir();  // the reports package is data_dir()/reports
  std::cout << std::flush;                      // before the child writes to the same stdout
  const pid_t pid = fork();
  if (pid < 0) throw OSError(errno, "fork for the report");
  if (pid == 0) {
    setenv("PYTHONPATH", reports_root.c_str(), 1);
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
    if (suite == "all") suites.insert(suites.end(), {"spec", "property", "stress", "faults", "audit"});
    else if (suite == "spec" || suite == "property" || suite == "stress" || suite == "faults" || suite == "audit") suites.push_back(suite);
    else throw ValueError("unknown suite '" + suite + "' (spec, property, stress, faults, audit or all)");
  }
  std::string json_out = o.json_out;
  bool also_to_stdout = false;
  if (!o.out_dir.empty()) {
    // Its parents too, as `mkdir -p` (ci/foreign writes report/foreign on a fresh clone).
    std::error_code ec;
    std::filesystem::create_directories(o.out_dir, ec);
    if (ec || !std::filesystem::is_directory(o.out_dir))
      throw OSError(ec ? ec.value() : ENOTDIR, "creating the directory " + o.out_dir);
    // The report is made from DIR/results.json: with --json - it is written there as well.
    also_to_stdout = json_out == harness::kStandardOutput;
    if (json_out.empty() || also_to_stdout) json_out = o.out_dir + "/results.json";
  }
  if (o.budget_s) o.property.settings.budget_s = o.stress.budget_s = *o.budget_s;
  const auto started = std::chrono::steady_clock::now();
  harness::Results results = make_results(json_out, o.common.seed, o.shard, also_to_stdout);
  std::cout << fmt::format("shmcheck {} seed {} suites {}{}\n", version, o.common.seed, fmt::join(suites, ","),
                           o.shard.empty() ? "" : " shard " + o.shard);
  std::vector<std::string> audited;
  for (const auto& suite : suites) {
    if (suite == "spec") spec_suite(o.common, o.spec, results);
    if (suite == "property") property_suite(o.common, o.property, results);
    if (suite == "stress") stress_suite(o.common, o.stress, results);
    if (suite == "faults") faults_suite(o.common, {}, results);
    // The audit is one unit of a split run (shard.hpp): it builds its probes once.
    if (suite == "audit" && results.dealer().deal_one()) {
      // Its Python part is each Python under test: its ctypes against this machine's C ABI.
      AuditOptions audit = o.audit;
      audit.pythons = pythons_under_test(o.common.impls);
      if (audit.pythons.empty()) std::erase(audit.select, "python");
      audited = audit_suite(audit, results).impls;
    }
  }
  std::vector<std::string> summarized = expand_specs(o.common.impls);
  for (const auto& impl : audited)
    if (std::find(summarized.begin(), summarized.end(), impl) == summarized.end()) summarized.push_back(impl);
  // The main job's wall time, comparable run to run (issue 17): kept in the performance
  // section, beside the benchmarks ci/bench adds, and printed last.
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const unsigned cores = std::thread::hardware_concurrency();
  results.set_section("performance", {{"main_job",
                                       {{"wall_seconds", wall},
                                        {"cores", cores},
                                        {"implementations", summarized.size()},
                                        {"suites", suites},
                                        {"judged", results.judged()}}}});
  results.print_summary(summarized);
  std::cout << fmt::format("shmcheck run: wall time {:.1f} s on {} cores, {} implementations, suites {}\n", wall, cores,
                           summarized.size(), fmt::join(suites, ","));
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
                  "Implementation to check: ref, boost, exec:CMD, python[:PYTHON][+MODULE][@METHOD], python:all, cpython:all, mutant:NAME, mutant:all")
      ->capture_default_str();
  cmd->add_option("--suite", o->suites, "Suites to run: spec, property, stress, faults, audit (native ABI and CPython's ctypes), or all")->capture_default_str();
  cmd->add_option("--case", o->spec.cases, "Spec suite: run only these case ids");
  cmd->add_option("--clauses", o->spec.clauses, "Spec suite: the clauses file (default: spec/clauses.json of shmcheck's data)")
      ->check(input_file());
  cmd->add_option("--cases", o->property.settings.cases, "Property suite: generated cases per property")->capture_default_str()->check(CLI::Range(1, 1000000));
  cmd->add_option("--budget-s", o->budget_s,
                  fmt::format("Wall-clock budget in seconds of each property (default {}) and each stress case (default {}); past it a "
                              "property or case is inconclusive", properties::default_budget_s, stress::default_budget_s))
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--shrink-budget-s", o->property.settings.shrink_budget_s, "Property suite: wall-clock budget for shrinking each failure")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  cmd->add_option("--reruns", o->property.settings.reruns, "Property suite: runs of each shrink candidate of an intermittent failure")
      ->capture_default_str()->check(CLI::Range(1, 1000));
  cmd->add_option("--size", o->stress.options.size, "Stress suite: quick, ci or thorough")
      ->capture_default_str()
      ->check(CLI::IsMember({"quick", "ci", "thorough"}));
  cmd->add_option("--confidence", o->stress.options.confidence,
                  "Stress suite: size trials for this probability of catching a race per run (e.g. 0.999), from what the "
                  "negative controls measure, instead of by --size")
      ->check(CLI::Range(0.5, 0.999999));
  cmd->add_option("--audit-abi", o->audit.select, "Audit suite: ABIs as `shmcheck audit --abi` takes them")
      ->capture_default_str();
  cmd->add_option("--json", o->json_out,
                  "Write results JSON here (rewritten after every result; a new or a regular file), or - for stdout (written once at "
                  "the end; everything else goes to stderr)")
      ->check(output_file());
  cmd->add_option("--out", o->out_dir, "Write DIR/results.json, DIR/index.html and DIR/junit.xml");
  cmd->add_option("--timeout-ms", o->common.timeout_ms, "Deadline for each request to a driver; past it the driver is broken")
      ->capture_default_str()
      ->check(timeout_ms_value());
  cmd->add_option("--expect", o->common.expect,
                  "Expected-failures file for every implementation, or 'none' (default: each one's own, drivers/python/expectations/ or drivers/boost/)")
      ->check(expectations_file());
  cmd->add_option("--seed", o->common.seed, "Seed for generated cases (default: random, printed)")->check(seed_value());
  add_shard_option(*cmd, o->shard);
  add_color_option(*cmd);
  cmd->footer(std::string(exit_status_help) + " 3 also when the report could not be written.");
  cmd->callback([&status, o] { status = run(*o); });
}

}  // namespace shmcheck::cli
