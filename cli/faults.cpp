// shmcheck faults: ordinary operations under injected faults (faults/FAULTS.md) against
// implementations.
#include "commands.hpp"
#include "options.hpp"
#include "registry.hpp"
#include "suites.hpp"

#include "faults/cases.hpp"

#include <shmcheck/version.hpp>

#include <fmt/format.h>

#include <iostream>
#include <memory>

namespace shmcheck::cli {
namespace {

struct FaultsCli {
  Common common{{}, fresh_seed(), "", 10000};
  std::vector<std::string> cases;
  std::string json_out;
  std::string shard;
};

int run_faults(FaultsCli o) {
  if (o.common.impls.empty()) o.common.impls = {"ref"};
  const std::size_t cases = faults::select_fault_cases(o.cases).size();  // ValueError for a name that is none
  harness::Results results = make_results(o.json_out, o.common.seed, o.shard);
  std::cout << fmt::format("shmcheck {} faults ({} cases){}\n", version, cases, o.shard.empty() ? "" : ", shard " + o.shard);
  faults_suite(o.common, o.cases, results);
  results.print_summary(expand_specs(o.common.impls));
  return results.exit_status();
}

}  // namespace

void add_faults(CLI::App& app, int& status) {
  auto o = std::make_shared<FaultsCli>();
  auto* cmd = app.add_subcommand("faults", "Run ordinary operations under injected faults (a small or full /dev/shm, few file "
                                           "descriptors, little memory, a stopped lock holder) against implementations");
  cmd->add_option("case", o->cases, "Case ids (faults/shm-1mib or shm-1mib); default all");
  cmd->add_option("--case", o->cases, "A case id (as printed in replay commands)");
  cmd->add_option("--impl", o->common.impls, "Implementation spec, as for run (default: ref)");
  cmd->add_option("--json", o->json_out, "Write results JSON here (rewritten after every case), or - for stdout (once, at the end); "
                  "with --list, the list as JSON")->check(output_file());
  cmd->add_option("--seed", o->common.seed, "Seed, recorded (the cases draw nothing at random; a split run names one)")->check(seed_value());
  add_shard_option(*cmd, o->shard);
  add_color_option(*cmd);
  cmd->add_option("--expect", o->common.expect, "Expected-failures file for every implementation, or 'none' (default: each one's own)")
      ->check(expectations_file());
  cmd->add_option("--timeout-ms", o->common.timeout_ms, "Deadline for a request to a driver: past it the implementation hangs")
      ->capture_default_str()
      ->check(timeout_ms_value());
  auto list = std::make_shared<bool>(false);
  cmd->add_flag("--list", *list, "List the cases and exit");
  cmd->footer(exit_status_help);
  cmd->callback([&status, o, list] {
    if (*list) {
      const auto cases = faults::fault_cases();
      if (o->json_out.empty()) {
        for (const auto& c : cases) std::cout << fmt::format("{:<24} {}\n", c.id, c.fault);
      } else {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& c : cases) out.push_back({{"id", c.id}, {"fault", c.fault}});
        write_json(o->json_out, out);
      }
      status = ok;
      return;
    }
    status = run_faults(*o);
  });
}

}  // namespace shmcheck::cli
