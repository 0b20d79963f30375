// shmcheck stress: the multiprocess scenarios (stress/SCENARIOS.md) against implementations.
#include "cli/commands.hpp"
#include "cli/suites.hpp"
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
#include <set>

namespace shmcheck::cli {
namespace {

struct StressOptions {
  Common common{{}, fresh_seed(), "", 10000};  // --seed overrides the fresh one
  StressSettings settings;
  std::string json_out;
};

std::string self_exe() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "shmcheck";
}

std::vector<stress::StressCase> select(const StressSettings& s) {
  std::vector<stress::StressCase> all = stress::stress_cases(s.options), out;
  if (s.selected.empty() || std::find(s.selected.begin(), s.selected.end(), "all") != s.selected.end()) return all;
  for (const auto& want : s.selected) {
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

std::string replay_of(const Common& common, const stress::Options& o, const std::string& impl) {
  std::string s = fmt::format("build/bin/shmcheck stress --impl {} --size {} --seed {}", shell_word(impl), o.size, common.seed);
  if (o.procs) s += fmt::format(" --procs {}", *o.procs);
  if (o.ops) s += fmt::format(" --ops {}", *o.ops);
  if (o.trials) s += fmt::format(" --trials {}", *o.trials);
  if (o.pin) s += " --pin";
  if (o.spacing != "packed") s += " --spacing " + o.spacing;
  return s;
}

// results.json's census: lists of strings and counts (reports/schema).
nlohmann::json census_v1(const nlohmann::json& c) {
  nlohmann::json processes = nlohmann::json::array();
  for (const auto& pid : c.value("children", nlohmann::json::array())) processes.push_back(pid.dump());
  return {{"dev_shm", c.value("dev_shm", nlohmann::json::array())}, {"sysv", c.value("sysv", nlohmann::json::array())},
          {"processes", processes}, {"fds", c.value("fds", 0)}, {"mappings", c.value("maps", 0)}};
}

nlohmann::json census_diff(const nlohmann::json& before, const nlohmann::json& after) {
  nlohmann::json diff = {{"fds", after.at("fds").get<long>() - before.at("fds").get<long>()},
                         {"mappings", after.at("mappings").get<long>() - before.at("mappings").get<long>()}};
  for (const char* list : {"dev_shm", "sysv", "processes"}) {
    const auto a = before.at(list).get<std::set<std::string>>(), b = after.at(list).get<std::set<std::string>>();
    nlohmann::json added = nlohmann::json::array(), removed = nlohmann::json::array();
    for (const auto& x : b)
      if (!a.count(x)) added.push_back(x);
    for (const auto& x : a)
      if (!b.count(x)) removed.push_back(x);
    diff[list] = {{"added", added}, {"removed", removed}};
  }
  return diff;
}

// What a case adds to results.json's sections: a counter's trials (the locked-vs-unlocked
// picture), a lifetime case's census before and after.
void record_sections(Results& results, const stress::StressCase& c, const stress::CaseRun& run) {
  const nlohmann::json& rec = run.record;
  if (c.scenario == "counter" && rec.contains("summary") && !rec.at("trials").empty()) {
    nlohmann::json trials = nlohmann::json::array();
    std::vector<double> lost;
    for (const auto& t : rec.at("trials")) {
      const auto expected = t.value("expected", std::int64_t{0}), observed = t.value("observed", std::int64_t{0});
      const double seconds = t.value("seconds", 0.0);
      trials.push_back({{"expected", expected}, {"observed", observed}, {"lost", expected - observed}, {"seconds", seconds},
                        {"ops_per_second", seconds > 0 ? static_cast<double>(expected) / seconds : 0.0}});
      lost.push_back(static_cast<double>(expected - observed));
    }
    std::sort(lost.begin(), lost.end());
    double mean = 0;
    for (double x : lost) mean += x / static_cast<double>(lost.size());
    const auto& s = rec.at("summary");
    results.section("stress", "runs",
                    {{"impl", rec.at("impl")},
                     {"case", c.id},
                     {"scenario", "counter (" + c.params.value("shape", "value") + ")"},
                     {"mode", c.params.value("mode", "")},
                     {"params", c.params},
                     {"verdict", rec.value("verdict", "")},
                     {"trials", trials},
                     {"summary",
                      {{"trials", lost.size()},
                       {"lost", {{"min", lost.front()}, {"median", lost[lost.size() / 2]}, {"mean", mean}, {"max", lost.back()}}},
                       {"detected", s.value("detected", 0)},
                       {"detection_probability", s.value("detection_probability", 0.0)},
                       {"wilson_low", s.value("wilson_low", 0.0)},
                       {"wilson_high", s.value("wilson_high", 1.0)},
                       {"torn_reads", 0},
                       {"reads", 0}}}});
  }
  if (c.id.rfind("lifetime-", 0) == 0 && rec.contains("census")) {
    const auto before = census_v1(rec.at("census").at("before")), after = census_v1(rec.at("census").at("after"));
    nlohmann::json row = {{"impl", rec.at("impl")}, {"case", c.id}, {"before", before}, {"after", after}, {"diff", census_diff(before, after)}};
    if (rec.contains("summary")) row["observed"] = rec.at("summary");
    results.section("lifetime", "cases", row);
  }
}

}  // namespace

void stress_suite(const Common& common, const StressSettings& settings, Results& results) {
  std::vector<stress::StressCase> cases = select(settings);
  // The seed orders the cases: a run that depends on what ran before it can be replayed.
  std::shuffle(cases.begin(), cases.end(), std::mt19937_64(common.seed));
  for (const auto& spec : drivers::expand_specs(common.impls)) {
    const harness::Expectations expectations = expectations_for(common.expect, spec);
    std::unique_ptr<harness::Implementation> impl;
    std::string version_of, broken;
    stress::RunContext ctx;
    ctx.replay = replay_of(common, settings.options, spec);
    ctx.open_killable = [&, spec] {
      // The in-process reference cannot be killed alone: a driver of it can.
      const std::string killable = spec == "ref" ? "exec:" + shell_word(self_exe()) + " driver ref" : spec;
      return drivers::open_implementation(killable, std::chrono::milliseconds(common.timeout_ms));
    };
    for (const auto& c : cases) {
      harness::CaseResult r;
      r.suite = c.id.rfind("lifetime-", 0) == 0 ? "lifetime" : "stress";
      r.id = c.id;
      r.source = c.claim;
      r.repro = ctx.replay + " --case " + c.id;
      if (!impl) {
        try {
          impl = drivers::open_implementation(spec, std::chrono::milliseconds(common.timeout_ms));
          if (version_of.empty()) {
            version_of = impl->describe().version;
            results.implementation(impl->describe());
            std::cout << fmt::format("{}: {} {}\n", spec, impl->describe().name, version_of);
          }
        } catch (const harness::Broken& e) {
          broken = harness::reason_with_stderr(e);
          if (version_of.empty()) results.broken_implementation(spec, broken);
        }
      }
      if (!impl) {
        r.verdict = harness::Verdict::broken;
        r.message = "could not be started: " + broken;
        results.record(spec, version_of, expectations, r);
        continue;
      }
      results.begin(spec, r);
      stress::CaseRun run = stress::run_case(*impl, c, ctx);
      run.result.suite = r.suite;
      if (run.result.verdict == harness::Verdict::broken) impl.reset();  // killed; started again for the next case
      record_sections(results, c, run);
      results.record(spec, version_of, expectations, run.result);
    }
  }
}

namespace {

int run_stress(StressOptions o) {
  if (o.common.impls.empty()) o.common.impls = {"ref"};
  std::cout << fmt::format("shmcheck {} stress seed {} size {} ({} cases)\n", version, o.common.seed, o.settings.options.size,
                           select(o.settings).size());
  Results results(o.json_out, o.common.seed, command_line());
  stress_suite(o.common, o.settings, results);
  results.print_summary(drivers::expand_specs(o.common.impls));
  return results.exit_status();
}

}  // namespace

void add_stress(CLI::App& app, int& status) {
  auto o = std::make_shared<StressOptions>();
  auto* cmd = app.add_subcommand("stress", "Run the multiprocess stress and lifetime scenarios against implementations");
  cmd->add_option("scenario", o->settings.selected, "Scenarios (counter, torn, ring, owner-death, lifetime) or case ids; default all");
  cmd->add_option("--case", o->settings.selected, "A case id (as printed in replay commands)");
  cmd->add_option("--impl", o->common.impls, "Implementation spec, as for run (default: ref)");
  cmd->add_option("--size", o->settings.options.size, "quick, ci or thorough")->capture_default_str();
  cmd->add_option("--procs", o->settings.options.procs, "Worker processes (default by size)")->check(CLI::Range(1, 256));
  cmd->add_option("--ops", o->settings.options.ops, "Increments per worker (default by size)")->check(CLI::Range(1, 100000000));
  cmd->add_option("--trials", o->settings.options.trials, "Trials per case (default by size)")->check(CLI::Range(1, 10000));
  cmd->add_flag("--pin", o->settings.options.pin, "Pin worker w to CPU w mod ncpu");
  cmd->add_option("--spacing", o->settings.options.spacing, "Array counters: packed (heartbeats share the counter's cache line) or padded")
      ->check(CLI::IsMember({"packed", "padded"}));
  cmd->add_option("--seed", o->common.seed, "Seed (orders the cases; default: random, printed)");
  cmd->add_option("--json", o->json_out, "Write results JSON here (rewritten after every case)");
  cmd->add_option("--expect", o->common.expect, "Expected-failures file, or 'none' (default: drivers/cpython/expectations.json for cpython specs)");
  cmd->add_option("--timeout-ms", o->common.timeout_ms, "Deadline for an ordinary request to a driver")->capture_default_str();
  auto list = std::make_shared<bool>(false);
  cmd->add_flag("--list", *list, "List the cases at this size and exit");
  cmd->footer("Exit status: 0 nothing failed or broke unexpectedly, 1 something failed unexpectedly, 2 bad usage or input, "
              "3 something broke (and nothing failed).");
  cmd->callback([&status, o, list] {
    if (*list) {
      for (const auto& c : stress::stress_cases(o->settings.options))
        std::cout << fmt::format("{:<26} {} trial(s)  {}\n", c.id, c.trials, c.claim);
      status = ok;
      return;
    }
    status = run_stress(*o);
  });
}

}  // namespace shmcheck::cli
