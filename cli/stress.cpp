// shmcheck stress: the multiprocess scenarios (stress/SCENARIOS.md) against implementations.
#include "commands.hpp"
#include "options.hpp"
#include "registry.hpp"
#include "suites.hpp"

#include <shmcheck/version.hpp>

#include <fmt/format.h>

#include <iostream>
#include <memory>

namespace shmcheck::cli {
namespace {

struct StressCli {
  Common common{{}, fresh_seed(), "", 10000};  // --seed overrides the fresh one
  stress::StressSettings settings;
  std::string json_out;
  std::string shard;  // "K/N", or "" for all
};

// --list: the cases at this size, as a table or (--json FILE|-) as JSON.
void list_cases(const StressCli& o) {
  const auto cases = stress::stress_cases(o.settings.options);
  if (o.json_out.empty()) {
    for (const auto& c : cases) std::cout << fmt::format("{:<26} {} trial(s)  {}\n", c.id, c.trials, c.claim);
    return;
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : cases) out.push_back({{"id", c.id}, {"scenario", c.scenario}, {"trials", c.trials}, {"claim", c.claim}});
  write_json(o.json_out, out);
}

int run_stress(StressCli o) {
  if (o.common.impls.empty()) o.common.impls = {"ref"};
  const std::size_t cases = stress::select_cases(o.settings).size();  // ValueError for a name that is none
  harness::Results results = make_results(o.json_out, o.common.seed, o.shard);
  std::cout << fmt::format("shmcheck {} stress seed {} size {} ({} cases) budget {} s per case{}\n", version, o.common.seed,
                           o.settings.options.size, cases, o.settings.budget_s, o.shard.empty() ? "" : ", shard " + o.shard);
  stress_suite(o.common, o.settings, results);
  results.print_summary(expand_specs(o.common.impls));
  return results.exit_status();
}

}  // namespace

void add_stress(CLI::App& app, int& status) {
  auto o = std::make_shared<StressCli>();
  auto& options = o->settings.options;
  auto* cmd = app.add_subcommand("stress", "Run the multiprocess stress and lifetime scenarios against implementations");
  cmd->add_option("scenario", o->settings.selected, "Scenarios (counter, torn, ring, owner-death, lifetime) or case ids; default all");
  cmd->add_option("--case", o->settings.selected, "A case id (as printed in replay commands)");
  cmd->add_option("--impl", o->common.impls, "Implementation spec, as for run (default: ref)");
  cmd->add_option("--size", options.size, "quick, ci or thorough")->capture_default_str()->check(CLI::IsMember({"quick", "ci", "thorough"}));
  cmd->add_option("--procs", options.procs, "Worker processes (default by size)")->check(CLI::Range(1, 256));
  cmd->add_option("--ops", options.ops, "Increments per worker (default by size)")->check(CLI::Range(1, 100000000));
  cmd->add_option("--trials", options.trials, "Trials per case (default by size)")->check(CLI::Range(1, 10000));
  cmd->add_option("--confidence", options.confidence,
                  "Size trials for this probability of catching a race per run (e.g. 0.999), from what the negative controls "
                  "measure, instead of by --size (overrides --trials)")
      ->check(CLI::Range(0.5, 0.999999));
  cmd->add_flag("--pin", options.pin, "Pin worker w to CPU w mod ncpu");
  cmd->add_option("--spacing", options.spacing, "Array counters: packed (heartbeats share the counter's cache line) or padded")
      ->check(CLI::IsMember({"packed", "padded"}));
  cmd->add_option("--budget-s", o->settings.budget_s, "Wall-clock budget of each case, in seconds: no trial starts past it, and a "
                  "case whose trials were cut short and passed is inconclusive")->capture_default_str()->check(CLI::NonNegativeNumber);
  cmd->add_option("--seed", o->common.seed, "Seed (orders the cases; default: random, printed)")->check(seed_value());
  cmd->add_option("--json", o->json_out, "Write results JSON here (rewritten after every case), or - for stdout (once, at the end); "
                  "with --list, the list as JSON")->check(output_file());
  add_shard_option(*cmd, o->shard);
  add_color_option(*cmd);
  cmd->add_option("--expect", o->common.expect, "Expected-failures file for every implementation, or 'none' (default: each one's own, drivers/python/expectations/ or drivers/boost/)")
      ->check(expectations_file());
  cmd->add_option("--timeout-ms", o->common.timeout_ms, "Deadline for an ordinary request to a driver")
      ->capture_default_str()
      ->check(timeout_ms_value());
  auto list = std::make_shared<bool>(false);
  cmd->add_flag("--list", *list, "List the cases at this size and exit");
  cmd->footer(exit_status_help);
  cmd->callback([&status, o, list] {
    if (*list) {
      list_cases(*o);
      status = ok;
      return;
    }
    status = run_stress(*o);
  });
}

}  // namespace shmcheck::cli
