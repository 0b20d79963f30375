#include "runner.hpp"

#include "model.hpp"

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

class QuietListener : public rc::detail::TestListener {
 public:
  void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
  void onShrinkTried(const rc::detail::CaseDescription&, bool) override {}
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
};

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
  if (on_this_platform(impls.at(0)->describe()))
    for (const Typecode& tc : typecodes()) caps.sizes[tc.code] = {static_cast<int>(tc.size), static_cast<int>(tc.align)};
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

PropertyResult run_property(const std::vector<Implementation*>& impls, const RunSettings& settings, const Property& p) {
  std::unordered_map<std::string, rc::detail::Reproduce> reproduce_map;
  if (!settings.reproduce.empty()) reproduce_map = rc::detail::configFromString("reproduce=" + settings.reproduce).reproduce;
  const Capabilities caps = generation_capabilities(impls);
  PropertyResult pr;
  auto& r = pr.result;
  r.suite = "property";
  r.id = p.id;
  r.source = p.description;
  const auto t0 = std::chrono::steady_clock::now();
  std::string stop_verdict;  // set once: broken or unsupported; every later evaluation just fails
  Verdict stop = Verdict::pass;
  std::string last_why;  // the last failing evaluation is the final, shrunk counterexample
  // Cases the model cannot judge are discarded, as a precondition that fails: the
  // generators steer clear of them, but they cannot know everything the model does (e.g.
  // that a create fails in a dialect, so a lock has one sharer fewer than they think).
  // Too many and RapidCheck gives up: inconclusive, never a silent pass.
  std::size_t unjudged = 0;
  std::string unjudged_first;
  if (const std::string why_not = p.unsupported_because(caps); !why_not.empty()) {
    stop = Verdict::unsupported;
    stop_verdict = why_not;
  }
  if (stop == Verdict::pass) {
    const rc::Gen<Case> gen = p.generator(caps);
    rc::detail::TestMetadata metadata;
    metadata.id = p.id;
    metadata.description = p.description;
    rc::detail::TestParams params;
    params.seed = settings.seed;
    params.maxSuccess = settings.cases;
    QuietListener listener;
    const auto result = rc::detail::checkTestable(
        [&] {
          const Case c = *gen;
          if (stop != Verdict::pass) RC_FAIL(stop_verdict);
          std::string why;
          bool discard = false;
          try {
            why = check_case(impls, caps, c, settings.dialect);
          } catch (const harness::Broken& e) {
            stop = Verdict::broken, stop_verdict = e.what();
            if (!e.tail().empty()) stop_verdict += "\n--- its stderr, last lines ---\n" + e.tail();
          } catch (const protocol::Violation& e) {  // outcomes inside a child's, read here
            stop = Verdict::broken, stop_verdict = std::string("answered outside the protocol: ") + e.what();
          } catch (const Unsupported& e) {
            stop = Verdict::unsupported, stop_verdict = e.what();
          } catch (const Unpredictable& e) {
            discard = true;
            if (unjudged++ == 0) unjudged_first = std::string(e.what()) + "; case: " + nlohmann::json(c.ops).dump();
          }
          if (stop != Verdict::pass) RC_FAIL(stop_verdict);
          if (discard) RC_DISCARD("a case the model cannot judge");
          if (!why.empty()) {
            last_why = why;
            RC_FAIL(why);
          }
        },
        metadata, params, listener, reproduce_map);
    rc::detail::FailureResult failure;
    rc::detail::GaveUpResult gave_up;
    rc::detail::Error error;
    if (stop != Verdict::pass) {
    } else if (result.match(failure)) {
      r.verdict = Verdict::fail;
      r.message = fmt::format("falsified after {} passing cases; shrunk: {}", failure.numSuccess,
                              last_why.empty() ? failure.description : last_why);
      std::ostringstream ce;
      for (const auto& [type, value] : failure.counterExample) ce << value << "\n";
      pr.counterexample = ce.str();
      rc::detail::Configuration config;
      config.reproduce[p.id] = failure.reproduce;
      const std::string s = rc::detail::configToMinimalString(config);
      // "reproduce=STRING seed=..." -> STRING: only the reproduce map replays a case.
      const auto at = s.find("reproduce=");
      pr.reproduce = at == std::string::npos ? s : s.substr(at + 10, s.find(' ', at) - at - 10);
    } else if (result.match(gave_up)) {
      r.verdict = Verdict::inconclusive;
      r.message = "RapidCheck gave up: " + gave_up.description;
      if (unjudged > 0) r.message += fmt::format(" ({} cases the model cannot judge, the first: {})", unjudged, unjudged_first);
    } else if (result.match(error)) {
      r.verdict = Verdict::broken;
      r.message = "the property itself failed: " + error.description;
    }
  }
  if (stop != Verdict::pass) {
    r.verdict = stop;
    r.message = stop_verdict;
  } else if (r.verdict == Verdict::pass && unjudged > 0) {
    r.message = fmt::format("{} generated cases the model cannot judge were discarded and others generated instead; the first: {}",
                            unjudged, unjudged_first);
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return pr;
}

}  // namespace shmcheck::properties
