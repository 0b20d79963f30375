// shmcheck run: runs suites against implementations and prints a summary.
#include "cli/commands.hpp"
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
  std::uint64_t seed = 0;
  bool seed_given = false;
};

std::string repro_for(const RunOptions& o, const std::string& impl, const CaseResult& r) {
  return fmt::format("build/bin/shmcheck run --impl {} --suite {} --case {} --seed {}", impl, r.suite, r.id, o.seed);
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
  harness::Tally tally;
  nlohmann::json described = nlohmann::json::array();
  for (const auto& impl : o.impls) {
    std::unique_ptr<harness::Implementation> implementation;
    std::string broken_reason;
    try {
      implementation = drivers::open_implementation(impl);
      const auto& d = implementation->describe();
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
        r = CaseResult{"spec", c.id, c.source, Verdict::broken, broken_reason, "", 0};
      }
      r.repro = repro_for(o, impl, r);
      tally.add(r.verdict);
      if (r.verdict != Verdict::pass)
        std::cout << fmt::format("{:<12} {} {}: {}\n  replay: {}\n", to_string(r.verdict), impl, r.id, r.message, r.repro);
      results.emplace_back(impl, std::move(r));
    }
  }
  for (const auto& impl : o.impls) {
    harness::Tally t;
    for (const auto& [name, r] : results)
      if (name == impl) t.add(r.verdict);
    std::cout << fmt::format("spec suite on {}: {} pass, {} fail, {} inconclusive, {} broken, {} unsupported\n", impl,
                             t.of(Verdict::pass), t.of(Verdict::fail), t.of(Verdict::inconclusive), t.of(Verdict::broken),
                             t.of(Verdict::unsupported));
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
                                {"verdict", to_string(r.verdict)}, {"message", r.message}, {"repro", r.repro},
                                {"seconds", r.seconds}});
    std::ofstream out(o.json_out);
    out << doc.dump(2) << "\n";
    if (!out) throw OSError(errno, "writing " + o.json_out);
    std::cout << "results: " << o.json_out << "\n";
  }
  if (tally.of(Verdict::fail)) return failed;
  if (tally.of(Verdict::broken)) return broke;
  return ok;
}

}  // namespace

void add_run(CLI::App& app, int& status) {
  auto opts = std::make_shared<RunOptions>();
  auto* run_cmd = app.add_subcommand("run", "Run suites against implementations and print a summary");
  run_cmd->add_option("--impl", opts->impls, "Implementation to check: ref, exec:CMD, cpython[:PYTHON], cpython:all")->capture_default_str();
  run_cmd->add_option("--suite", opts->suites, "Suite to run (so far: spec)")->capture_default_str();
  run_cmd->add_option("--case", opts->cases, "Run only these case ids");
  run_cmd->add_option("--clauses", opts->clauses, "The spec suite's clauses file")->capture_default_str();
  run_cmd->add_option("--json", opts->json_out, "Write results JSON here");
  run_cmd->add_option("--seed", opts->seed, "Seed for generated cases (default: random, printed)")
      ->each([opts](const std::string&) { opts->seed_given = true; });
  run_cmd->callback([&status, opts, &app] {
    std::string cmd = "shmcheck";
    for (const auto& a : app.remaining()) cmd += " " + a;
    status = run(*opts, cmd);
  });
}

}  // namespace shmcheck::cli
