// shmcheck run: runs the spec suite against implementations and prints a summary.
#include "cli/commands.hpp"
#include "cli/results.hpp"
#include "registry.hpp"
#include "spec/spec_suite.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/version.hpp>

#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <random>
#include <set>

#ifndef SHMCHECK_SPEC_DIR
#define SHMCHECK_SPEC_DIR "lib/harness/spec"
#endif

namespace shmcheck::cli {
namespace {

using harness::CaseResult;
using harness::Verdict;

struct RunOptions {
  std::vector<std::string> impls{"ref"};
  std::vector<std::string> suites{"spec"};
  std::vector<std::string> cases;
  std::string clauses = std::string(SHMCHECK_SPEC_DIR) + "/clauses.json";
  std::string json_out;
  std::string expect;  // "", a file, or "none"
  int timeout_ms = 10000;
  std::uint64_t seed = 0;
  bool seed_given = false;
};

int run(RunOptions o) {
  if (!o.seed_given) o.seed = static_cast<std::uint64_t>(std::random_device{}()) * 0x100000000ULL + std::random_device{}();
  o.impls = drivers::expand_specs(o.impls);
  for (const auto& suite : o.suites)
    if (suite != "spec") throw ValueError("unknown suite '" + suite + "' (known so far: spec; properties: shmcheck properties)");

  std::cout << fmt::format("shmcheck {} seed {}\n", version, o.seed);
  std::vector<harness::SpecCase> cases = harness::load_clauses(o.clauses);
  for (auto& c : harness::generate_matrix(o.seed)) cases.push_back(std::move(c));
  if (!o.cases.empty()) {
    const std::set<std::string> wanted(o.cases.begin(), o.cases.end());
    std::erase_if(cases, [&](const harness::SpecCase& c) { return !wanted.contains(c.id); });
    if (cases.size() != wanted.size()) throw ValueError("some --case ids name no case of the spec suite");
  }

  Results results(o.json_out, o.seed, command_line());
  for (const auto& impl : o.impls) {
    const harness::Expectations expectations = expectations_for(o.expect, impl);
    std::string impl_version, broken_reason;
    std::unique_ptr<harness::Implementation> implementation;
    bool gave_up = false;  // it could not be started: every remaining case is broken with broken_reason
    try {
      implementation = drivers::open_implementation(impl, std::chrono::milliseconds(o.timeout_ms));
      const auto& d = implementation->describe();
      impl_version = d.version;
      results.implementation({{"spec", impl}, {"name", d.name}, {"version", d.version}, {"platform", d.platform}});
      std::cout << fmt::format("{}: {} {}\n", impl, d.name, d.version);
    } catch (const harness::Broken& e) {
      broken_reason = harness::reason_with_stderr(e);
      gave_up = true;
      results.implementation({{"spec", impl}, {"broken", broken_reason}});
    }
    for (const auto& c : cases) {
      CaseResult r;
      if (!implementation && !gave_up) {
        // It broke on the previous case and was killed (its process group, its /dev/shm
        // names): a fresh one runs the next case, as the properties do.
        try {
          implementation = drivers::open_implementation(impl, std::chrono::milliseconds(o.timeout_ms));
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
      r.repro = fmt::format("build/bin/shmcheck run --impl {} --suite spec --case {} --seed {}", shell_word(impl), r.id, o.seed);
      results.record(impl, impl_version, expectations, std::move(r));
    }
  }
  results.print_summary("spec", o.impls);
  return results.exit_status();
}

}  // namespace

void add_run(CLI::App& app, int& status) {
  auto opts = std::make_shared<RunOptions>();
  auto* run_cmd = app.add_subcommand("run", "Run suites against implementations and print a summary");
  run_cmd->add_option("--impl", opts->impls,
                      "Implementation to check: ref, boost, exec:CMD, cpython[:PYTHON][@METHOD], cpython:all, mutant:NAME, mutant:all")
      ->capture_default_str();
  run_cmd->add_option("--suite", opts->suites, "Suite to run (so far: spec)")->capture_default_str();
  run_cmd->add_option("--case", opts->cases, "Run only these case ids");
  run_cmd->add_option("--clauses", opts->clauses, "The spec suite's clauses file")->capture_default_str();
  run_cmd->add_option("--json", opts->json_out, "Write results JSON here (rewritten after every result)");
  run_cmd->add_option("--timeout-ms", opts->timeout_ms, "Deadline for each request to a driver; past it the driver is broken")
      ->capture_default_str();
  run_cmd->add_option("--expect", opts->expect,
                      "Expected-failures file, or 'none' (default: drivers/cpython/expectations.json for cpython specs)");
  run_cmd->add_option("--seed", opts->seed, "Seed for generated cases (default: random, printed)")
      ->each([opts](const std::string&) { opts->seed_given = true; });
  run_cmd->callback([&status, opts] {
    status = run(*opts);
  });
}

}  // namespace shmcheck::cli
