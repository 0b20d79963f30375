// shmcheck run: runs suites against implementations and prints a summary.
#include "cli/commands.hpp"
#include "expectations.hpp"
#include "registry.hpp"
#include "spec/spec_suite.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <random>
#include <memory>
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

std::string shell_word(const std::string& s) {
  if (s.find_first_of(" '\"$\\`") == std::string::npos) return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string repro_for(const RunOptions& o, const std::string& impl, const CaseResult& r) {
  return fmt::format("build/bin/shmcheck run --impl {} --suite {} --case {} --seed {}", shell_word(impl), r.suite, r.id,
                     o.seed);
}

// --expect FILE|none replaces the default: CPython's own file for cpython specs, else none.
harness::Expectations expectations_for(const RunOptions& o, const std::string& impl) {
  if (o.expect == "none") return {};
  if (!o.expect.empty()) return harness::Expectations::load(o.expect);
  if (impl.rfind("cpython", 0) == 0) return harness::Expectations::load(drivers::drivers_dir() + "/cpython/expectations.json");
  return {};
}

int run(RunOptions o, const std::string& command_line) {
  if (!o.seed_given) o.seed = static_cast<std::uint64_t>(std::random_device{}()) * 0x100000000ULL + std::random_device{}();
  o.impls = drivers::expand_specs(o.impls);
  for (const auto& suite : o.suites)
    if (suite != "spec") throw ValueError("unknown suite '" + suite + "' (known so far: spec)");

  std::cout << fmt::format("shmcheck {} seed {}\n", version, o.seed);
  std::vector<harness::SpecCase> cases = harness::load_clauses(o.clauses);
  for (auto& c : harness::generate_matrix(o.seed)) cases.push_back(std::move(c));
  if (!o.cases.empty()) {
    const std::set<std::string> wanted(o.cases.begin(), o.cases.end());
    std::erase_if(cases, [&](const harness::SpecCase& c) { return !wanted.contains(c.id); });
    if (cases.size() != wanted.size()) throw ValueError("some --case ids name no case of the spec suite");
  }

  const auto started = std::chrono::system_clock::now();
  std::vector<std::pair<std::string, CaseResult>> results;
  nlohmann::json described = nlohmann::json::array();
  std::size_t unexpected_failures = 0, unexpected_broken = 0;
  for (const auto& impl : o.impls) {
    const harness::Expectations expectations = expectations_for(o, impl);
    std::string impl_version;
    std::unique_ptr<harness::Implementation> implementation;
    std::string broken_reason;
    try {
      implementation = drivers::open_implementation(impl, std::chrono::milliseconds(o.timeout_ms));
      const auto& d = implementation->describe();
      impl_version = d.version;
      described.push_back({{"spec", impl}, {"name", d.name}, {"version", d.version}, {"platform", d.platform}});
      std::cout << fmt::format("{}: {} {}\n", impl, d.name, d.version);
    } catch (const harness::Broken& e) {
      broken_reason = e.what();
      described.push_back({{"spec", impl}, {"broken", broken_reason}});
    }
    for (const auto& c : cases) {
      CaseResult r;
      if (implementation) {
        r = harness::run_spec_case(c, *implementation);
        // A driver that broke mid-run stays broken: the rest of its cases say so.
        if (r.verdict == Verdict::broken && r.message.find("ProtocolError") == std::string::npos) {
          broken_reason = r.message;
          implementation.reset();
        }
      } else {
        r.suite = "spec";
        r.id = c.id;
        r.source = c.source;
        r.verdict = Verdict::broken;
        r.message = broken_reason;
      }
      r.repro = repro_for(o, impl, r);
      if (const auto* e = expectations.find(impl_version, r.suite, r.id)) {
        r.expected = true;
        r.expectation = e->reason;
      }
      if (r.verdict == Verdict::fail && !r.expected) ++unexpected_failures;
      if (r.verdict == Verdict::broken && !r.expected) ++unexpected_broken;
      if (r.verdict == Verdict::pass && r.expected)
        std::cout << fmt::format("{:<12} {} {}: passes, but {} expects it to fail: {}\n", "unexpected", impl, r.id,
                                 expectations.source(), r.expectation);
      else if (r.verdict != Verdict::pass)
        std::cout << fmt::format("{:<12} {} {}: {}{}\n  replay: {}\n", to_string(r.verdict), impl, r.id, r.message,
                                 r.expected ? "\n  expected: " + r.expectation : "", r.repro);
      results.emplace_back(impl, std::move(r));
    }
  }
  for (const auto& impl : o.impls) {
    harness::Tally t;
    std::size_t expected_fails = 0;
    for (const auto& [name, r] : results)
      if (name == impl) {
        t.add(r.verdict);
        expected_fails += r.verdict == Verdict::fail && r.expected;
      }
    std::cout << fmt::format("spec suite on {}: {} pass, {} fail ({} expected), {} inconclusive, {} broken, {} unsupported\n",
                             impl, t.of(Verdict::pass), t.of(Verdict::fail), expected_fails, t.of(Verdict::inconclusive),
                             t.of(Verdict::broken), t.of(Verdict::unsupported));
  }

  if (!o.json_out.empty()) {
    nlohmann::json doc;
    const std::time_t t = std::chrono::system_clock::to_time_t(started);
    char when[32];
    std::strftime(when, sizeof when, "%FT%TZ", std::gmtime(&t));
    doc["schema"] = "shmcheck-results/0";
    doc["run"] = {{"started", when}, {"seed", o.seed}, {"command", command_line},
                  {"shmcheck", version}, {"git", git_revision}};
    doc["implementations"] = described;
    for (const auto& [impl, r] : results)
      doc["results"].push_back({{"impl", impl}, {"suite", r.suite}, {"case", r.id}, {"source", r.source},
                                {"verdict", to_string(r.verdict)}, {"expected", r.expected},
                                {"expectation", r.expectation}, {"message", r.message}, {"repro", r.repro},
                                {"seconds", r.seconds}});
    std::ofstream out(o.json_out);
    out << doc.dump(2) << "\n";
    if (!out) throw OSError(errno, "writing " + o.json_out);
    std::cout << "results: " << o.json_out << "\n";
  }
  // Only what nobody expected decides the exit status.
  if (unexpected_failures) return failed;
  if (unexpected_broken) return broke;
  return ok;
}

}  // namespace

void add_run(CLI::App& app, int& status) {
  auto opts = std::make_shared<RunOptions>();
  auto* run_cmd = app.add_subcommand("run", "Run suites against implementations and print a summary");
  run_cmd->add_option("--impl", opts->impls, "Implementation to check: ref, exec:CMD, cpython[:PYTHON], cpython:all, mutant:NAME, mutant:all")->capture_default_str();
  run_cmd->add_option("--suite", opts->suites, "Suite to run (so far: spec)")->capture_default_str();
  run_cmd->add_option("--case", opts->cases, "Run only these case ids");
  run_cmd->add_option("--clauses", opts->clauses, "The spec suite's clauses file")->capture_default_str();
  run_cmd->add_option("--json", opts->json_out, "Write results JSON here");
  run_cmd->add_option("--timeout-ms", opts->timeout_ms, "Deadline for each request to a driver; past it the driver is broken")
      ->capture_default_str();
  run_cmd->add_option("--expect", opts->expect,
                      "Expected-failures file, or 'none' (default: drivers/cpython/expectations.json for cpython specs)");
  run_cmd->add_option("--seed", opts->seed, "Seed for generated cases (default: random, printed)")
      ->each([opts](const std::string&) { opts->seed_given = true; });
  run_cmd->callback([&status, opts, &app] {
    std::string cmd = "shmcheck";
    for (const auto& a : app.remaining()) cmd += " " + a;
    status = run(*opts, cmd);
  });
}

}  // namespace shmcheck::cli
