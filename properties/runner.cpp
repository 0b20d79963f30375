#include "runner.hpp"

#include "model.hpp"
#include "search.hpp"

#include <shmcheck/typecode.hpp>

#include <rapidcheck/detail/Configuration.h>

#include <fmt/format.h>
#include <sys/utsname.h>

#include <algorithm>
#include <chrono>
#include <sstream>

namespace shmcheck::properties {

using harness::Capabilities;
using harness::Implementation;
using harness::Outcome;
using harness::Verdict;

namespace {

bool on_this_platform(const harness::Description& d) {
  utsname u{};
  uname(&u);
  return d.platform.value("os", "") == "linux" && d.platform.value("machine", "") == u.machine;
}

void no_unsupported(const Outcome& o, const std::string& impl) {
  if (!o.ok && o.kind == "unsupported") throw Unsupported(impl + ": " + o.message);
  if (o.ok && o.result.is_object() && o.result.contains("outcomes"))  // a child's
    for (const auto& sub : o.result.at("outcomes")) no_unsupported(Outcome::from_json(sub), impl);
}

// Drops every object a case made, so that the next case starts with nothing from this one
// (only the allocator remembers, as it should: reused memory is part of what is checked).
void clean_up(Implementation& impl, const Case& c) {
  nlohmann::json drops = nlohmann::json::array();
  for (const auto& op : c.ops)
    if (op.contains("as") && op.value("op", "") != "child_start") drops.push_back({{"op", "drop"}, {"obj", op.at("as")}});
  if (!drops.empty()) impl.run(drops);
}

std::string name_op(std::size_t k, const nlohmann::json& op) { return "operation " + std::to_string(k + 1) + " " + op.dump(); }

}  // namespace

Capabilities generation_capabilities(const std::vector<Implementation*>& impls) {
  Capabilities caps = impls.at(0)->describe().capabilities;
  // The sizes are the driver's observation of its ABI (the spec suite's LP64 clause and the
  // audit judge them against the platform). Only where it reports none and runs on this machine
  // do this machine's C sizes stand in: the machine alone does not say the ABI, as a 32-bit
  // program on a 64-bit kernel says "x86_64" too (linux-i686-native failed 18 properties on
  // this machine's 8-byte 'l' before).
  if (on_this_platform(impls.at(0)->describe()))
    for (const Typecode& tc : typecodes())
      caps.sizes.emplace(tc.code, std::pair<int, int>{static_cast<int>(tc.size), static_cast<int>(tc.align)});
  for (std::size_t k = 1; k < impls.size(); ++k) {  // differential: what every one has, sized alike
    const Capabilities& other = impls[k]->describe().capabilities;
    std::string common;
    for (char c : caps.typecodes)
      if (other.typecodes.find(c) != std::string::npos && other.sizes.count(c) && caps.sizes.count(c) &&
          other.sizes.at(c).first == caps.sizes.at(c).first)
        common += c;
    caps.typecodes = common;
    caps.child = caps.child && other.child;
    caps.async_child = caps.async_child && other.async_child;
  }
  return caps;
}

std::string check_case(const std::vector<Implementation*>& impls, const Capabilities& caps, const Case& c,
                       const nlohmann::json& dialect) {
  // The model predicts first: a case it cannot judge is refused before anything runs.
  std::vector<Expected> expected;
  if (impls.size() == 1) {
    Model model(caps, Dialect::from_json(dialect));
    for (const auto& op : c.ops) expected.push_back(model.apply(op));
  }
  std::vector<std::vector<Outcome>> outcomes;
  for (Implementation* impl : impls) {
    outcomes.push_back(impl->run(c.ops));
    clean_up(*impl, c);
    if (outcomes.back().size() != c.ops.size())
      throw harness::Broken(fmt::format("answered {} outcomes to {} operations", outcomes.back().size(), c.ops.size()));
    for (const Outcome& o : outcomes.back()) no_unsupported(o, impl->describe().spec);
  }
  for (std::size_t k = 0; k < c.ops.size(); ++k) {
    if (impls.size() == 1) {
      const std::string why = compare(expected[k], outcomes[0][k]);
      if (!why.empty()) return name_op(k, c.ops[k]) + ": " + why;
      continue;
    }
    const std::string why = compare(outcomes[0][k], outcomes[1][k]);
    if (!why.empty())
      return fmt::format("{}: {} answered {}, {} answered {}", name_op(k, c.ops[k]), impls[0]->describe().spec,
                         outcomes[0][k].to_json().dump(), impls[1]->describe().spec, outcomes[1][k].to_json().dump());
  }
  return "";
}

namespace {

std::string show_ops(const Case& c) {
  std::string out;
  for (const auto& op : c.ops) out += "    " + op.dump() + "\n";
  return out;
}

// Runs cases on the implementations and judges them, for search.hpp: the property RapidCheck
// generates is one case, judged here; the case is kept so that it can be run again as it was
// generated (an intermittent failure's re-runs) without generating it again.
class CaseProbe : public Probe {
 public:
  CaseProbe(const std::vector<Implementation*>& impls, const Capabilities& caps, const nlohmann::json& dialect)
      : impls_(impls), caps_(caps), dialect_(dialect) {}

  rc::detail::Property property(const rc::Gen<Case>& gen) {
    return rc::detail::toProperty([this, gen] {
      generated_ = false;
      last_ = *gen;
      generated_ = true;
      if (smaller_only_ && last_.ops.size() >= kept_.ops.size()) RC_DISCARD("no fewer operations than the failure kept");
      const Said x = judge(last_);
      if (x == Said::discard) RC_DISCARD("a case the model cannot judge");
      if (x != Said::pass) RC_FAIL(x == Said::fail ? why_ : stop_message);
    });
  }

  Said run(const rc::Shrinkable<rc::detail::CaseDescription>& s) override {
    const rc::detail::CaseDescription d = s.value();
    if (stop != Verdict::pass) return Said::stop;
    if (d.result.type == rc::detail::CaseResult::Type::Success) return Said::pass;
    if (d.result.type == rc::detail::CaseResult::Type::Discard) return Said::discard;
    if (!generated_) {  // the generator threw: the property, not the implementation, is at fault
      stop = Verdict::broken;
      stop_message = "the property's generator failed: " + d.result.description;
      return Said::stop;
    }
    return Said::fail;
  }
  Said rerun_last() override { return judge(last_); }
  void keep_last() override {
    kept_ = last_;
    kept_why_ = why_;
  }
  Said rerun_kept() override { return judge(kept_); }
  void skip_unless_smaller(bool on) override { smaller_only_ = on; }

  const Case& kept() const { return kept_; }
  const std::string& kept_why() const { return kept_why_; }

  Verdict stop = Verdict::pass;  // broken or unsupported: nothing more is run
  std::string stop_message;
  // Cases the model cannot judge are discarded, as a precondition that fails: the
  // generators steer clear of them, but they cannot know everything the model does (e.g.
  // that a create fails in a dialect, so a lock has one sharer fewer than they think).
  // Too many and the search gives up: inconclusive, never a silent pass.
  std::size_t unjudged = 0;
  std::string unjudged_first;

 private:
  Said judge(const Case& c) {
    try {
      why_ = check_case(impls_, caps_, c, dialect_);
      return why_.empty() ? Said::pass : Said::fail;
    } catch (const harness::Broken& e) {
      stop = Verdict::broken, stop_message = e.what();
      if (!e.tail().empty()) stop_message += "\n--- its stderr, last lines ---\n" + e.tail();
    } catch (const protocol::Violation& e) {  // outcomes inside a child's, read here
      stop = Verdict::broken, stop_message = std::string("answered outside the protocol: ") + e.what();
    } catch (const Unsupported& e) {
      stop = Verdict::unsupported, stop_message = e.what();
    } catch (const Unpredictable& e) {
      if (unjudged++ == 0) unjudged_first = std::string(e.what()) + "; case: " + nlohmann::json(c.ops).dump();
      return Said::discard;
    } catch (const std::exception& e) {  // as RapidCheck judged a property that threw
      why_ = std::string("exception thrown: ") + e.what();
      return Said::fail;
    }
    return Said::stop;
  }

  const std::vector<Implementation*>& impls_;
  const Capabilities& caps_;
  const nlohmann::json& dialect_;
  bool generated_ = false, smaller_only_ = false;
  Case last_, kept_;
  std::string why_, kept_why_;
};

// RapidCheck's reproduce string of one property's case: the token --reproduce takes.
std::string reproduce_token(const std::string& id, const rc::detail::Reproduce& r) {
  rc::detail::Configuration config;
  config.reproduce[id] = r;
  const std::string s = rc::detail::configToMinimalString(config);
  // "reproduce=STRING seed=..." -> STRING: only the reproduce map replays a case.
  const auto at = s.find("reproduce=");
  return at == std::string::npos ? s : s.substr(at + 10, s.find(' ', at) - at - 10);
}

}  // namespace

PropertyResult run_property(const std::vector<Implementation*>& impls, const RunSettings& settings, const Property& p) {
  const Capabilities caps = generation_capabilities(impls);
  PropertyResult pr;
  auto& r = pr.result;
  r.suite = "property";
  r.id = p.id;
  r.source = p.description;
  const auto t0 = std::chrono::steady_clock::now();
  if (const std::string why_not = p.unsupported_because(caps); !why_not.empty()) {
    r.verdict = Verdict::unsupported;
    r.message = why_not;
    return pr;
  }
  SearchSettings s{settings.seed, settings.cases, settings.budget_s, settings.shrink_budget_s, settings.reruns, std::nullopt};
  if (!settings.reproduce.empty()) {
    const auto map = rc::detail::configFromString("reproduce=" + settings.reproduce).reproduce;
    const auto it = map.find(p.id);
    if (it == map.end()) {
      r.verdict = Verdict::inconclusive;
      r.message = "the reproduce string holds no case of this property";
      return pr;
    }
    s.reproduce = it->second;
  }
  CaseProbe probe(impls, caps, settings.dialect);
  const Search found = search(probe.property(p.generator(caps)), s, probe, [&](const Search& at) {
    if (settings.on_found)
      settings.on_found(fmt::format("after {} passing cases: {}", at.passed, probe.kept_why()), show_ops(probe.kept()));
  });
  pr.details["cases"] = {{"passed", found.passed}, {"discarded", found.discarded}, {"seconds", found.seconds}, {"budget_s", s.budget_s}};
  using End = Search::End;
  switch (found.end) {
    case End::stopped:
      r.verdict = probe.stop;
      r.message = probe.stop_message;
      break;
    case End::passed:
      if (s.reproduce) r.message = fmt::format("the reproduced case passed {} run(s)", s.reruns);
      else if (probe.unjudged > 0)
        r.message = fmt::format("{} generated cases the model cannot judge were discarded and others generated instead; the first: {}",
                                probe.unjudged, probe.unjudged_first);
      break;
    case End::gave_up:
      r.verdict = Verdict::inconclusive;
      r.message = fmt::format("gave up after {} passing cases: {} generated cases were discarded", found.passed, found.discarded);
      if (probe.unjudged > 0) r.message += fmt::format(" ({} the model cannot judge, the first: {})", probe.unjudged, probe.unjudged_first);
      break;
    case End::out_of_budget:
      r.verdict = Verdict::inconclusive;
      r.message = fmt::format("ran {} of {} cases in its budget of {} s ({} discarded); none failed", found.passed, s.cases,
                              s.budget_s, found.discarded);
      break;
    case End::failed: {
      r.verdict = Verdict::fail;
      std::string how;
      if (found.reruns > 0)
        how = fmt::format("{}the case found failed again in {} of {} re-runs; ", found.intermittent ? "intermittent: " : "",
                          found.refailed, found.reruns);
      else if (found.intermittent)
        how = "intermittent: ";
      if (s.reproduce) how += fmt::format("the case of the reproduce string ({} shrink steps)", found.shrink_steps);
      else if (found.fully_shrunk) how += fmt::format("shrunk in {} steps", found.shrink_steps);
      else how += fmt::format("not fully shrunk: {} steps, budget {} s", found.shrink_steps, s.shrink_budget_s);
      r.message = fmt::format("falsified after {} passing cases; {}: {}", found.passed, how, probe.kept_why());
      pr.counterexample = show_ops(probe.kept());
      pr.reproduce = reproduce_token(p.id, found.reproduce);
      pr.details["shrink"] = {{"steps", found.shrink_steps},       {"tried", found.shrinks_tried},
                              {"complete", found.fully_shrunk},    {"intermittent", found.intermittent},
                              {"reruns", found.reruns},            {"refailed", found.refailed},
                              {"operations", probe.kept().ops.size()}, {"seconds", found.shrink_seconds},
                              {"budget_s", s.shrink_budget_s}};
      break;
    }
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return pr;
}

}  // namespace shmcheck::properties
