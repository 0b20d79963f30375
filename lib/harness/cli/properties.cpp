// shmcheck properties: the model-based property suite against implementations, or two
// implementations against each other (--diff).
#include "cli/commands.hpp"
#include "cli/results.hpp"
#include "registry.hpp"
#include "runner.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/version.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <random>

namespace shmcheck::cli {
namespace {

struct PropertyOptions {
  std::vector<std::string> impls;
  std::string diff;  // "A,B"
  std::vector<std::string> only;
  int cases = 100;
  std::uint64_t seed = 0;
  bool seed_given = false;
  std::string reproduce, json_out, expect;
  int timeout_ms = 10000;
};

// One run of the suite: on one implementation (judged by the model) or a pair (judged
// against each other). `label` names it in results; `replay` are the arguments that select it.
struct Subject {
  std::vector<std::string> specs;
  std::string label;
  std::string replay;
};

std::vector<Subject> subjects_of(const PropertyOptions& o) {
  std::vector<Subject> out;
  for (const auto& spec : drivers::expand_specs(o.impls)) out.push_back({{spec}, spec, "--impl " + shell_word(spec)});
  if (!o.diff.empty()) {
    const auto comma = o.diff.find(',');
    if (comma == std::string::npos || o.diff.find(',', comma + 1) != std::string::npos)
      throw ValueError("--diff takes two implementation specs separated by one comma, got '" + o.diff + "'");
    std::vector<std::string> pair = drivers::expand_specs({o.diff.substr(0, comma), o.diff.substr(comma + 1)});
    if (pair.size() != 2) throw ValueError("--diff compares exactly two implementations; '" + o.diff + "' names " + std::to_string(pair.size()));
    out.push_back({pair, pair[0] + " vs " + pair[1], "--diff " + shell_word(o.diff)});
  }
  if (out.empty()) out.push_back({{"ref"}, "ref", "--impl ref"});
  return out;
}

int run_properties(PropertyOptions o) {
  if (!o.seed_given) o.seed = static_cast<std::uint64_t>(std::random_device{}()) * 0x100000000ULL + std::random_device{}();
  for (const auto& id : o.only) {
    const auto& all = properties::all_properties();
    if (std::none_of(all.begin(), all.end(), [&](const properties::Property& p) { return p.id == id; }))
      throw ValueError("no property '" + id + "' (shmcheck properties --list lists them)");
  }
  const std::vector<Subject> subjects = subjects_of(o);
  std::cout << fmt::format("shmcheck {} properties seed {} cases {}\n", version, o.seed, o.cases);
  Results results(o.json_out, o.seed, command_line());
  std::vector<std::string> labels;
  for (const Subject& s : subjects) {
    labels.push_back(s.label);
    // Expectations belong to one implementation; a difference between two is never expected.
    const harness::Expectations expectations = s.specs.size() == 1 ? expectations_for(o.expect, s.specs[0]) : harness::Expectations{};
    std::vector<std::unique_ptr<harness::Implementation>> owned;
    std::string version;
    auto open_all = [&] {
      owned.clear();
      for (const auto& spec : s.specs) owned.push_back(drivers::open_implementation(spec, std::chrono::milliseconds(o.timeout_ms)));
      version = owned[0]->describe().version;
    };
    auto handshake_broken = [&](const std::string& why, const std::string& id) {
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
      results.implementation({{"spec", s.label}, {"broken", e.what()}});
      handshake_broken(std::string(e.what()) + (e.tail().empty() ? "" : "\n" + e.tail()), "(handshake)");
      continue;
    }
    for (const auto& impl : owned) {
      const auto& d = impl->describe();
      results.implementation({{"spec", d.spec}, {"name", d.name}, {"version", d.version}, {"platform", d.platform}});
      std::cout << fmt::format("{}: {} {}\n", d.spec, d.name, d.version);
    }
    for (const auto& p : properties::all_properties()) {
      if (!o.only.empty() && std::find(o.only.begin(), o.only.end(), p.id) == o.only.end()) continue;
      if (owned.empty()) {  // the implementation broke on an earlier property: start it again
        try {
          open_all();
        } catch (const harness::Broken& e) {
          handshake_broken(std::string("could not be restarted after it broke: ") + e.what(), p.id);
          continue;
        }
      }
      std::vector<harness::Implementation*> impls;
      for (const auto& i : owned) impls.push_back(i.get());
      properties::RunSettings settings{o.seed, o.cases, o.reproduce, {p.id}, s.replay, expectations.dialect(version)};
      properties::run_properties(
          impls, settings, [&](const harness::CaseResult& r) { results.begin(s.label, r); },
          [&](const properties::PropertyResult& pr) {
            if (!pr.counterexample.empty()) std::cout << "counterexample (" << pr.result.id << "):\n" << pr.counterexample;
            results.record(s.label, version, expectations, pr.result,
                           {{"counterexample", pr.counterexample}, {"reproduce", pr.reproduce}, {"seed", o.seed}});
            if (pr.result.verdict == harness::Verdict::broken) owned.clear();  // kills it; restarted for the next one
          });
    }
  }
  results.print_summary("property", labels);
  return results.exit_status();
}

}  // namespace

void add_properties(CLI::App& app, int& status) {
  auto o = std::make_shared<PropertyOptions>();
  auto* cmd = app.add_subcommand("properties", "Run the model-based property suite against implementations, or two against each other");
  cmd->add_option("--impl", o->impls, "Implementation spec, as for run (default: ref)");
  cmd->add_option("--diff", o->diff, "Differential mode: A,B runs every generated case on both and fails on any difference");
  cmd->add_option("--property", o->only, "Run only these property ids");
  cmd->add_option("--cases", o->cases, "Generated cases per property")->capture_default_str()->check(CLI::Range(1, 1000000));
  cmd->add_option("--seed", o->seed, "RapidCheck seed (default: random, printed)")->each([o](const std::string&) { o->seed_given = true; });
  cmd->add_option("--reproduce", o->reproduce, "RapidCheck's reproduce string of a failure (replays just that case)");
  cmd->add_option("--json", o->json_out, "Write results JSON here (rewritten after every property)");
  cmd->add_option("--expect", o->expect, "Expected-failures file, or 'none' (default: drivers/cpython/expectations.json for cpython specs)");
  cmd->add_option("--timeout-ms", o->timeout_ms, "Deadline for each request to a driver")->capture_default_str();
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
