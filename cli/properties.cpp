// shmcheck properties: the model-based property suite against implementations, or two
// implementations against each other (--diff).
#include "commands.hpp"
#include "options.hpp"
#include "suites.hpp"

#include "properties/reproduce.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/version.hpp>

#include <fmt/format.h>

#include <iostream>
#include <memory>

namespace shmcheck::cli {
namespace {

struct PropertiesCli {
  Common common{{}, fresh_seed(), "", 10000};  // --seed overrides the fresh one
  PropertyOptions options;
  std::string json_out;
  std::string shard;  // "K/N", or "" for all
};

// --list: the properties, as a table or (--json FILE|-) as JSON.
void list_properties(const std::string& json_out) {
  if (json_out.empty()) {
    for (const auto& p : properties::all_properties()) std::cout << fmt::format("{:<34} {}\n", p.id, p.description);
    return;
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : properties::all_properties()) out.push_back({{"id", p.id}, {"description", p.description}});
  write_json(json_out, out);
}

int run_properties(PropertiesCli o) {
  if (o.common.impls.empty() && o.options.diff.empty()) o.common.impls = {"ref"};
  const auto& s = o.options.settings;
  harness::Results results = make_results(o.json_out, o.common.seed, o.shard);
  std::cout << fmt::format("shmcheck {} properties seed {} cases {} budget {} s per property, {} s per shrink{}\n", version,
                           o.common.seed, s.cases, s.budget_s, s.shrink_budget_s, o.shard.empty() ? "" : ", shard " + o.shard);
  property_suite(o.common, o.options, results);
  results.print_summary(property_labels(o.common, o.options));
  return results.exit_status();
}

}  // namespace

void add_properties(CLI::App& app, int& status) {
  auto o = std::make_shared<PropertiesCli>();
  auto& s = o->options.settings;
  auto* cmd = app.add_subcommand("properties", "Run the model-based property suite against implementations, or two against each other");
  cmd->add_option("--impl", o->common.impls, "Implementation spec, as for run (default: ref)");
  cmd->add_option("--diff", o->options.diff, "Differential mode: A,B runs every generated case on both and fails on any difference");
  cmd->add_option("--property", s.only, "Run only these property ids");
  cmd->add_option("--cases", s.cases, "Generated cases per property")->capture_default_str()->check(CLI::Range(1, 1000000));
  cmd->add_option("--seed", o->common.seed, "RapidCheck seed (default: random, printed)")->check(seed_value());
  cmd->add_option("--budget-s", s.budget_s, "Wall-clock budget of each property's cases, in seconds; past it the property is "
                  "inconclusive with the number of cases it ran")->capture_default_str()->check(CLI::NonNegativeNumber);
  cmd->add_option("--shrink-budget-s", s.shrink_budget_s, "Wall-clock budget for shrinking each failure, in seconds; past it the "
                  "smallest failing case so far is reported, marked not fully shrunk")->capture_default_str()->check(CLI::NonNegativeNumber);
  cmd->add_option("--reruns", s.reruns, "Runs of each shrink candidate once a failure is intermittent (it passed a re-run)")
      ->capture_default_str()->check(CLI::Range(1, 1000));
  cmd->add_option("--reproduce", s.reproduce, "RapidCheck's reproduce string of a failure (replays just that case)")
      ->check([](const std::string& text) {
        // Read here, before anything runs: a malformed one is bad usage (exit 2), not an abort.
        try {
          properties::parse_reproduce(text);
        } catch (const shmcheck::ValueError& e) {
          return std::string(e.what());
        }
        return std::string();
      });
  cmd->add_option("--json", o->json_out, "Write results JSON here (rewritten after every property), or - for stdout (once, at the end); "
                  "with --list, the list as JSON")->check(output_file());
  add_shard_option(*cmd, o->shard);
  add_color_option(*cmd);
  cmd->add_option("--expect", o->common.expect, "Expected-failures file for every implementation, or 'none' (default: each one's own, drivers/python/expectations/ or drivers/boost/)")
      ->check(expectations_file());
  cmd->add_option("--timeout-ms", o->common.timeout_ms, "Deadline for each request to a driver")
      ->capture_default_str()
      ->check(timeout_ms_value());
  auto list = std::make_shared<bool>(false);
  cmd->add_flag("--list", *list, "List the properties and exit");
  cmd->footer(exit_status_help);
  cmd->callback([&status, o, list] {
    if (*list) {
      list_properties(o->json_out);
      status = ok;
      return;
    }
    status = run_properties(*o);
  });
}

}  // namespace shmcheck::cli
