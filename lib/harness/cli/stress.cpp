// shmcheck stress: the multiprocess scenarios (stress/SCENARIOS.md) against implementations.
#include "cli/commands.hpp"
#include "cli/results.hpp"
#include "registry.hpp"
#include "run_case.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/version.hpp>

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <random>

namespace shmcheck::cli {
namespace {

struct StressOptions {
  std::vector<std::string> selected;  // scenario families or case ids; empty: all
  std::vector<std::string> impls;
  stress::Options cases;
  std::uint64_t seed = 0;
  bool seed_given = false;
  std::string json_out, expect;
  int timeout_ms = 10000;
};

std::string self_exe() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "shmcheck";
}

std::vector<stress::StressCase> select(const StressOptions& o) {
  std::vector<stress::StressCase> all = stress::stress_cases(o.cases), out;
  if (o.selected.empty() || std::find(o.selected.begin(), o.selected.end(), "all") != o.selected.end()) return all;
  for (const auto& want : o.selected) {
    bool any = false;
    for (const auto& c : all)
      if (c.id == want || c.scenario == want || c.id.rfind(want + "-", 0) == 0) {
        if (std::none_of(out.begin(), out.end(), [&](const stress::StressCase& x) { return x.id == c.id; })) out.push_back(c);
        any = true;
      }
    if (!any) throw ValueError("no stress scenario or case '" + want + "' (shmcheck stress --list lists them)");
  }
  return out;
}

std::string replay_of(const StressOptions& o, const std::string& impl) {
  std::string s = fmt::format("build/bin/shmcheck stress --impl {} --size {} --seed {}", shell_word(impl), o.cases.size, o.seed);
  if (o.cases.procs) s += fmt::format(" --procs {}", *o.cases.procs);
  if (o.cases.ops) s += fmt::format(" --ops {}", *o.cases.ops);
  if (o.cases.trials) s += fmt::format(" --trials {}", *o.cases.trials);
  if (o.cases.pin) s += " --pin";
  if (o.cases.spacing != "packed") s += " --spacing " + o.cases.spacing;
  return s;
}

int run_stress(StressOptions o) {
  if (!o.seed_given) o.seed = static_cast<std::uint64_t>(std::random_device{}()) * 0x100000000ULL + std::random_device{}();
  std::vector<stress::StressCase> cases = select(o);
  // The seed orders the cases: a run that depends on what ran before it can be replayed.
  std::shuffle(cases.begin(), cases.end(), std::mt19937_64(o.seed));
  const std::vector<std::string> impls = drivers::expand_specs(o.impls.empty() ? std::vector<std::string>{"ref"} : o.impls);
  std::cout << fmt::format("shmcheck {} stress seed {} size {} ({} cases)\n", version, o.seed, o.cases.size, cases.size());
  Results results(o.json_out, o.seed, command_line());
  for (const auto& spec : impls) {
    const harness::Expectations expectations = expectations_for(o.expect, spec);
    std::unique_ptr<harness::Implementation> impl;
    std::string version_of, broken;
    stress::RunContext ctx;
    ctx.replay = replay_of(o, spec);
    ctx.open_killable = [&, spec] {
      // The in-process reference cannot be killed alone: a driver of it can.
      const std::string killable = spec == "ref" ? "exec:" + shell_word(self_exe()) + " driver ref" : spec;
      return drivers::open_implementation(killable, std::chrono::milliseconds(o.timeout_ms));
    };
    for (const auto& c : cases) {
      harness::CaseResult r;
      if (!impl) {
        try {
          impl = drivers::open_implementation(spec, std::chrono::milliseconds(o.timeout_ms));
          const auto& d = impl->describe();
          if (version_of.empty()) {
            version_of = d.version;
            results.implementation({{"spec", spec}, {"name", d.name}, {"version", d.version}, {"platform", d.platform}});
            std::cout << fmt::format("{}: {} {}\n", spec, d.name, d.version);
          }
        } catch (const harness::Broken& e) {
          broken = e.what();
        }
      }
      if (!impl) {
        r.suite = "stress";
        r.id = c.id;
        r.verdict = harness::Verdict::broken;
        r.message = "could not be started: " + broken;
        r.repro = ctx.replay + " --case " + c.id;
        results.record(spec, version_of, expectations, r);
        continue;
      }
      r.suite = "stress";
      r.id = c.id;
      r.repro = ctx.replay + " --case " + c.id;
      results.begin(spec, r);
      stress::CaseRun run = stress::run_case(*impl, c, ctx);
      if (run.result.verdict == harness::Verdict::broken) impl.reset();  // killed; started again for the next case
      results.section("stress", run.record);
      results.record(spec, version_of, expectations, run.result);
    }
  }
  results.print_summary("stress", impls);
  return results.exit_status();
}

}  // namespace

void add_stress(CLI::App& app, int& status) {
  auto o = std::make_shared<StressOptions>();
  auto* cmd = app.add_subcommand("stress", "Run the multiprocess stress and lifetime scenarios against implementations");
  cmd->add_option("scenario", o->selected, "Scenarios (counter, torn, ring, owner-death, lifetime) or case ids; default all");
  cmd->add_option("--case", o->selected, "A case id (as printed in replay commands)");
  cmd->add_option("--impl", o->impls, "Implementation spec, as for run (default: ref)");
  cmd->add_option("--size", o->cases.size, "quick, ci or thorough")->capture_default_str();
  cmd->add_option("--procs", o->cases.procs, "Worker processes (default by size)")->check(CLI::Range(1, 256));
  cmd->add_option("--ops", o->cases.ops, "Increments per worker (default by size)")->check(CLI::Range(1, 100000000));
  cmd->add_option("--trials", o->cases.trials, "Trials per case (default by size)")->check(CLI::Range(1, 10000));
  cmd->add_flag("--pin", o->cases.pin, "Pin worker w to CPU w mod ncpu");
  cmd->add_option("--spacing", o->cases.spacing, "Array counters: packed (heartbeats share the counter's cache line) or padded")
      ->check(CLI::IsMember({"packed", "padded"}));
  cmd->add_option("--seed", o->seed, "Seed (orders the cases; default: random, printed)")->each([o](const std::string&) { o->seed_given = true; });
  cmd->add_option("--json", o->json_out, "Write results JSON here (rewritten after every case)");
  cmd->add_option("--expect", o->expect, "Expected-failures file, or 'none' (default: drivers/cpython/expectations.json for cpython specs)");
  cmd->add_option("--timeout-ms", o->timeout_ms, "Deadline for an ordinary request to a driver")->capture_default_str();
  auto list = std::make_shared<bool>(false);
  cmd->add_flag("--list", *list, "List the cases at this size and exit");
  cmd->footer("Exit status: 0 nothing failed or broke unexpectedly, 1 something failed unexpectedly, 2 bad usage or input, "
              "3 something broke (and nothing failed).");
  cmd->callback([&status, o, list] {
    if (*list) {
      for (const auto& c : stress::stress_cases(o->cases))
        std::cout << fmt::format("{:<26} {} trial(s)  {}\n", c.id, c.trials, c.claim);
      status = ok;
      return;
    }
    status = run_stress(*o);
  });
}

}  // namespace shmcheck::cli
