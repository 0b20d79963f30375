// shmcheck properties: the model-based property suite against implementations, or two
// implementations against each other (--diff).
#include "cli/commands.hpp"
#include "cli/suites.hpp"
#include "registry.hpp"
#include "runner.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/version.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>

namespace shmcheck::cli {
namespace {

// One run of the suite: on one implementation (judged by the model) or a pair (judged
// against each other). `label` names it in results; `replay` are the arguments that select it.
struct Subject {
  std::vector<std::string> specs;
  std::string label;
  std::string replay;
};

std::vector<Subject> subjects_of(const Common& common, const PropertySettings& s) {
  std::vector<Subject> out;
  for (const auto& spec : drivers::expand_specs(common.impls)) out.push_back({{spec}, spec, "--impl " + shell_word(spec)});
  if (!s.diff.empty()) {
    const auto comma = s.diff.find(',');
    if (comma == std::string::npos || s.diff.find(',', comma + 1) != std::string::npos)
      throw ValueError("--diff takes two implementation specs separated by one comma, got '" + s.diff + "'");
    std::vector<std::string> pair = drivers::expand_specs({s.diff.substr(0, comma), s.diff.substr(comma + 1)});
    if (pair.size() != 2) throw ValueError("--diff compares exactly two implementations; '" + s.diff + "' names " + std::to_string(pair.size()));
    out.push_back({pair, pair[0] + " vs " + pair[1], "--diff " + shell_word(s.diff)});
  }
  return out;
}

// A pair in differential mode is listed as one implementation: what both have.
harness::Description pair_description(const Subject& s, const std::vector<harness::Implementation*>& impls) {
  harness::Description d = impls[0]->describe();
  d.spec = s.label;
  d.name = "differential";
  d.version = impls[0]->describe().version + " vs " + impls[1]->describe().version;
  d.capabilities = properties::generation_capabilities(impls);
  return d;
}

}  // namespace

void property_suite(const Common& common, const PropertySettings& ps, Results& results) {
  for (const auto& id : ps.only) {
    const auto& all = properties::all_properties();
    if (std::none_of(all.begin(), all.end(), [&](const properties::Property& p) { return p.id == id; }))
      throw ValueError("no property '" + id + "' (shmcheck properties --list lists them)");
  }
  for (const Subject& s : subjects_of(common, ps)) {
    // Expectations belong to one implementation; a difference between two is never expected.
    const harness::Expectations expectations = s.specs.size() == 1 ? expectations_for(common.expect, s.specs[0]) : harness::Expectations{};
    std::vector<std::unique_ptr<harness::Implementation>> owned;
    std::string version;
    auto open_all = [&] {
      owned.clear();
      for (const auto& spec : s.specs) owned.push_back(drivers::open_implementation(spec, std::chrono::milliseconds(common.timeout_ms)));
      version = owned[0]->describe().version;
    };
    auto broken = [&](const std::string& why, const std::string& id) {
      harness::CaseResult r;
      r.suite = "property";
      r.id = id;
      r.verdict = harness::Verdict::broken;
      r.message = why;
      results.record(s.label, "", expectations, r);
    };
    try {
      open_all();
    } catch (const harness::Broken& e) {
      results.broken_implementation(s.label, harness::reason_with_stderr(e));
      broken(harness::reason_with_stderr(e), "(handshake)");
      continue;
    }
    std::vector<harness::Implementation*> first;
    for (const auto& impl : owned) {
      first.push_back(impl.get());
      std::cout << fmt::format("{}: {} {}\n", impl->describe().spec, impl->describe().name, impl->describe().version);
    }
    results.implementation(first.size() == 1 ? first[0]->describe() : pair_description(s, first));
    for (const auto& p : properties::all_properties()) {
      if (!ps.only.empty() && std::find(ps.only.begin(), ps.only.end(), p.id) == ps.only.end()) continue;
      if (owned.empty()) {  // the implementation broke on an earlier property: start it again
        try {
          open_all();
        } catch (const harness::Broken& e) {
          broken("could not be restarted after it broke: " + harness::reason_with_stderr(e), p.id);
          continue;
        }
      }
      std::vector<harness::Implementation*> impls;
      for (const auto& i : owned) impls.push_back(i.get());
      properties::RunSettings settings{common.seed, ps.cases, ps.reproduce, {p.id}, s.replay, expectations.dialect(version)};
      properties::run_properties(
          impls, settings, [&](const harness::CaseResult& r) { results.begin(s.label, r); },
          [&](const properties::PropertyResult& pr) {
            if (!pr.counterexample.empty()) std::cout << "counterexample (" << pr.result.id << "):\n" << pr.counterexample;
            nlohmann::json extra = {{"seed", common.seed}};
            if (!pr.counterexample.empty()) extra["counterexample"] = pr.counterexample;
            if (!pr.reproduce.empty()) extra["reproduce"] = pr.reproduce;
            results.record(s.label, version, expectations, pr.result, extra);
            if (pr.result.verdict == harness::Verdict::broken) owned.clear();  // kills it; restarted for the next one
          });
    }
  }
}

namespace {

struct PropertyOptions {
  Common common{{}, fresh_seed(), "", 10000};  // --seed overrides the fresh one
  PropertySettings settings;
  std::string json_out;
};

int run_properties(PropertyOptions o) {
  if (o.common.impls.empty() && o.settings.diff.empty()) o.common.impls = {"ref"};
  std::cout << fmt::format("shmcheck {} properties seed {} cases {}\n", version, o.common.seed, o.settings.cases);
  Results results(o.json_out, o.common.seed, command_line());
  property_suite(o.common, o.settings, results);
  std::vector<std::string> labels;
  for (const auto& s : subjects_of(o.common, o.settings)) labels.push_back(s.label);
  results.print_summary(labels);
  return results.exit_status();
}

}  // namespace

void add_properties(CLI::App& app, int& status) {
  auto o = std::make_shared<PropertyOptions>();
  auto* cmd = app.add_subcommand("properties", "Run the model-based property suite against implementations, or two against each other");
  cmd->add_option("--impl", o->common.impls, "Implementation spec, as for run (default: ref)");
  cmd->add_option("--diff", o->settings.diff, "Differential mode: A,B runs every generated case on both and fails on any difference");
  cmd->add_option("--property", o->settings.only, "Run only these property ids");
  cmd->add_option("--cases", o->settings.cases, "Generated cases per property")->capture_default_str()->check(CLI::Range(1, 1000000));
  cmd->add_option("--seed", o->common.seed, "RapidCheck seed (default: random, printed)");
  cmd->add_option("--reproduce", o->settings.reproduce, "RapidCheck's reproduce string of a failure (replays just that case)");
  cmd->add_option("--json", o->json_out, "Write results JSON here (rewritten after every property)");
  cmd->add_option("--expect", o->common.expect, "Expected-failures file, or 'none' (default: drivers/cpython/ or drivers/boost/expectations.json)");
  cmd->add_option("--timeout-ms", o->common.timeout_ms, "Deadline for each request to a driver")->capture_default_str();
  auto list = std::make_shared<bool>(false);
  cmd->add_flag("--list", *list, "List the properties and exit");
  cmd->footer("Exit status: 0 nothing failed or broke unexpectedly, 1 something failed unexpectedly, 2 bad usage or input, "
              "3 something broke (and nothing failed).");
  cmd->callback([&status, o, list] {
    if (*list) {
      for (const auto& p : properties::all_properties()) std::cout << fmt::format("{:<34} {}\n", p.id, p.description);
      status = ok;
      return;
    }
    status = run_properties(*o);
  });
}

}  // namespace shmcheck::cli
