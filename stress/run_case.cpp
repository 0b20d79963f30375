#include "run_case.hpp"

#include "detection.hpp"

#include "emulator.hpp"

#include <shmcheck/census.hpp>
#include <shmcheck/harness/census.hpp>
#include <shmcheck/protocol/driver_text.hpp>
#include <shmcheck/protocol/result_shapes.hpp>

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

namespace shmcheck::stress {

using harness::Verdict;
using nlohmann::json;

namespace {

// The implementation answered an error while doing what was asked: an observation (PROTOCOL.md
// section 2), so the case fails, or is unsupported where the capability is absent.
struct Refused : std::runtime_error {
  Refused(const std::string& what, bool unsupported) : std::runtime_error(what), unsupported(unsupported) {}
  bool unsupported;
};

// Only a request the driver could not read is outside the protocol (broken).
void must_succeed(const harness::Outcome& o, const std::string& what) {
  if (o.ok) return;
  if (o.kind == "other" && o.type == "ProtocolError") throw harness::Broken(what + " was refused as malformed: " + o.message);
  if (o.kind == "unsupported") throw Refused(what + ": " + o.message, true);
  throw Refused(fmt::format("{}: the implementation raised {} ({}): {}", what, o.kind, o.type, o.message), false);
}

// A stress answer as the schema has it, whatever implementation gave it (an exec: driver's is
// checked on arrival too): one without a field a judge needs is broken, never judged with a
// default in its place.
json observation(const harness::Outcome& o, const std::string& scenario) {
  try {
    protocol::validate_observation(scenario, o.result);
  } catch (const protocol::Violation& e) {
    throw harness::Broken(e.what());
  }
  return o.result;
}

// Asks the implementation to reclaim what it can now (a collector's deferred frees); a driver
// that does not know the request has nothing to reclaim.
void collect(harness::Implementation& impl) { impl.run_one({{"op", "collect"}}); }

// Without a /dev/shm of its own an implementation shares the machine's, where other programs
// make and remove names all the time: its lifetime census counts only the names it was told to
// make (its prefix), and says so.
void attribute_by_prefix(json& trial, const std::string& prefix) {
  auto own = [&](json& names) {
    json kept = json::array();
    for (const auto& n : names)
      if (n.is_string()) {
        const auto& s = n.get_ref<const std::string&>();
        if (s.rfind(prefix, 0) == 0 || s.rfind("sem." + prefix, 0) == 0) kept.push_back(n);
      }
    names = kept;
  };
  if (!trial.is_object() || !trial.contains("census") || !trial["census"].is_array()) return;
  for (auto& entry : trial["census"]) {
    if (!entry.is_object()) continue;
    if (entry.contains("dev_shm") && entry["dev_shm"].is_array()) own(entry["dev_shm"]);
    if (entry.contains("uncollected") && entry["uncollected"].is_object() && entry["uncollected"].contains("dev_shm") &&
        entry["uncollected"]["dev_shm"].is_array())
      own(entry["uncollected"]["dev_shm"]);
  }
  trial["attributed_by_prefix"] = prefix;
}

// Runs the harness's half of lifetime-create: a fresh, killable instance makes objects, its
// whole process group is SIGKILLed, and nothing may be left.
json creator_killed(const StressCase& c, const RunContext& ctx) {
  auto victim = ctx.open_killable();
  const Census before = take_census();
  const auto own_before = victim->own_dev_shm();
  const harness::Outcome o = victim->run_one({{"op", "stress"}, {"scenario", "lifetime-create"}, {"params", c.params}});
  must_succeed(o, "lifetime-create");
  const json created = observation(o, "lifetime-create").at("created");
  const int group = victim->process_group();
  // What it holds while alive is its own: asked now, before the kill, where no namespace says so.
  const auto own_alive = victim->own_dev_shm();
  victim->kill_now();
  std::vector<std::string> left;
  for (int i = 0; i < 200 && group > 0 && kill(-group, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (group > 0 && kill(-group, 0) == 0) left.push_back(fmt::format("processes of group {} still running", group));
  const Census after = take_census();
  json cleaned = json::array();
  if (own_before) {
    // Attributed: what is its own (its private /dev/shm, or its prefix and what it held) and
    // still there; the rest of the machine's /dev/shm is other programs' business. The
    // victim's destruction removes it. The names are what the implementation chose (any
    // bytes): valid UTF-8 before they are JSON.
    const auto own_after = victim->own_dev_shm().value_or(std::vector<std::string>{});
    std::set<std::string> candidates(own_after.begin(), own_after.end());
    for (const auto& name : own_alive.value_or(std::vector<std::string>{}))
      if (std::binary_search(after.dev_shm.begin(), after.dev_shm.end(), name)) candidates.insert(name);
    for (const auto& name : candidates)
      if (!std::binary_search(own_before->begin(), own_before->end(), name)) {
        left.push_back("/dev/shm + " + protocol::valid_utf8(name));
        cleaned.push_back(protocol::valid_utf8(name));
      }
    // SysV segments: attributed only by a namespace (they vanish with it); otherwise by census.
    if (!victim->isolated())
      for (const auto& line : census_growth(before, after))
        if (line.rfind("SysV", 0) == 0) left.push_back(protocol::valid_utf8(line));
    return {{"created", created}, {"left", left}, {"cleaned", cleaned}, {"isolation", victim->isolation()}};
  }
  // An implementation that cannot say what is its own: the machine's census, named but never
  // removed (another program may have made it). Open fds and mappings are shmcheck's own, not
  // the victim's. The names are what the implementation chose (any bytes): valid UTF-8 first.
  for (const auto& line : census_growth(before, after))
    if (line.rfind("open fds", 0) != 0 && line.rfind("shared mappings", 0) != 0) left.push_back(protocol::valid_utf8(line));
  return {{"created", created}, {"left", left}, {"cleaned", cleaned}, {"isolation", victim->isolation()}};
}

// gh-110660 with shmcheck's own operations: the parent drops an object a running child still
// uses, makes new ones of the same size, and the child reads.
json aliasing(harness::Implementation& impl) {
  const json written = {11, 22, 33, 44};
  // Garbage of earlier cases, freed by the collect below together with the array, would merge
  // with its block and hand the new arrays other memory: collected first, it cannot.
  json ops = json::array({{{"op", "collect"}},
                          {{"op", "create"}, {"shape", "array"}, {"tc", "i"}, {"lock", "own"}, {"init", written}, {"as", "__alias_a"}},
                          {{"op", "create"}, {"shape", "value"}, {"tc", "i"}, {"lock", "none"}, {"as", "__alias_flag"}},
                          {{"op", "child_start"}, {"as", "__alias_kid"}, {"timeout", 8},
                           {"ops", {{{"op", "wait_for"}, {"obj", "__alias_flag"}, {"item", 1}, {"timeout", 5}},
                                    {{"op", "get_slice"}, {"obj", "__alias_a"}, {"slice", {nullptr, nullptr, nullptr}}}}}},
                          {{"op", "drop"}, {"obj", "__alias_a"}},
                          // Where memory comes back only when a collector runs, now: else the
                          // hazard hides behind a collection that has not happened yet.
                          {{"op", "collect"}}});
  for (int k = 0; k < 3; ++k)
    ops.push_back({{"op", "create"}, {"shape", "array"}, {"tc", "i"}, {"lock", "own"}, {"init", {-1, -2, -3, -4}}, {"as", fmt::format("__alias_b{}", k)}});
  ops.push_back({{"op", "set_value"}, {"obj", "__alias_flag"}, {"item", 1}});
  ops.push_back({{"op", "child_wait"}, {"obj", "__alias_kid"}});
  for (const char* h : {"__alias_flag", "__alias_b0", "__alias_b1", "__alias_b2"}) ops.push_back({{"op", "drop"}, {"obj", h}});
  const auto outcomes = impl.run(ops);
  const std::size_t wait_at = 10;  // the child_wait
  for (std::size_t k = 0; k <= wait_at; ++k)
    if (ops[k].at("op") != "collect") must_succeed(outcomes.at(k), fmt::format("operation {} {}", k + 1, ops[k].dump()));
  const harness::Outcome& waited = outcomes.at(wait_at);
  const json& child = waited.result.at("outcomes");
  json out = {{"written", written}, {"child", waited.result}};
  out["read"] = child.size() > 1 && child[1].value("ok", false) ? child[1].at("result") : json::array();
  for (const auto& o : child)  // why it read nothing, when it did not
    if (!o.value("ok", true)) out["child_error"] = o.at("error");
  return out;
}

}  // namespace

CaseRun run_case(harness::Implementation& impl, const StressCase& c, const RunContext& ctx) {
  CaseRun out;
  auto& r = out.result;
  r.suite = c.id.rfind("lifetime-", 0) == 0 ? "lifetime" : "stress";
  r.id = c.id;
  r.source = c.claim;
  const auto& caps = impl.describe().capabilities;
  const auto t0 = std::chrono::steady_clock::now();
  const bool harness_run = c.scenario == "lifetime-aliasing";
  const bool has = std::find(caps.scenarios.begin(), caps.scenarios.end(), c.scenario) != caps.scenarios.end();
  if ((harness_run && !caps.async_child) || (!harness_run && !has)) {
    r.verdict = Verdict::unsupported;
    r.message = harness_run ? "the implementation has no child_start/child_wait (capability async_child)"
                            : "the implementation does not run the scenario '" + c.scenario + "'";
    return out;
  }
  const Census before = take_census();
  std::vector<json> trials;
  std::vector<double> trial_seconds;  // each trial's wall time, as shmcheck measured it
  bool enough = false;                // a control under --confidence stopped with enough trials
  const bool control = is_negative_control(c);
  // The trials to run: the size's, or under --confidence what the figures call for (a
  // control: until its own are enough, at most kControlTrialCap; any other case: as many as
  // its family's control needed, given by the suite).
  const int planned = !ctx.confidence ? c.trials : control ? std::max(c.trials, kControlTrialCap) : ctx.family_trials.value_or(c.trials);
  const auto ordinary = impl.timeout();
  try {
    const double seconds = c.params.value("timeout", 60.0) + 15;
    impl.set_timeout(std::chrono::milliseconds(static_cast<long long>(seconds * 1000)));
    // (A budget over a year stands for more: the clock's nanoseconds would overflow.)
    const auto deadline =
        t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(std::min(ctx.budget_s, 3.2e7)));
    int detections = 0;
    for (int k = 0; k < planned; ++k) {
      // The first trial always runs: a case judged on nothing could only be inconclusive.
      if (k > 0 && std::chrono::steady_clock::now() >= deadline) break;
      const auto started = std::chrono::steady_clock::now();
      if (c.scenario == "lifetime-aliasing") trials.push_back(aliasing(impl));
      else if (c.scenario == "lifetime-create") trials.push_back(creator_killed(c, ctx));
      else {
        const harness::Outcome o = impl.run_one({{"op", "stress"}, {"scenario", c.scenario}, {"params", c.params}});
        must_succeed(o, fmt::format("trial {}", k + 1));
        trials.push_back(observation(o, c.scenario));
      }
      trial_seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      // --confidence: a control stops once its own figures say it has run enough.
      if (control && ctx.confidence) {
        detections += detected_in(c, trials.back());
        if (control_has_enough(detections, k + 1, *ctx.confidence)) {
          enough = true;
          break;
        }
      }
    }
    // Before the census is taken again: what a collector still holds is not a leak.
    if (r.suite == "lifetime") collect(impl);
    impl.set_timeout(ordinary);
  } catch (const Refused& e) {
    r.verdict = e.unsupported ? Verdict::unsupported : Verdict::fail;
    r.message = e.what();
    impl.set_timeout(ordinary);
  } catch (const harness::Broken& e) {
    r.verdict = Verdict::broken;
    r.message = e.what() + (e.tail().empty() ? std::string() : "\n--- its stderr, last lines ---\n" + e.tail());
  }
  const Census after = take_census();
  if (c.scenario == "lifetime-cycles" && !impl.isolated())
    for (auto& t : trials) attribute_by_prefix(t, impl.name_prefix());
  Judgement j;
  if (r.verdict == Verdict::pass) {
    try {
      j = judge(c, trials);
      r.verdict = j.verdict;
      r.message = j.message;
      if (const auto artefact = emulator_artefact(impl.describe(), c, r.verdict)) {
        r.verdict = Verdict::unsupported;
        r.message = *artefact + "; observed: " + r.message;
      }
      // Fewer trials than the case's power calls for: what they found stands (a failure is a
      // failure), but a pass is not one.
      if (trials.size() < static_cast<std::size_t>(planned) && !enough) {
        const std::string cut = fmt::format("ran {} of {} trials in its budget of {} s", trials.size(), planned, ctx.budget_s);
        if (r.verdict == Verdict::pass) r.verdict = Verdict::inconclusive;
        r.message = cut + (r.message.empty() ? "" : "; " + r.message);
      }
    } catch (const std::exception& e) {  // observations of the wrong shape
      r.verdict = Verdict::broken;
      r.message = std::string("the observations do not have the scenario's shape: ") + e.what();
    }
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // Whatever made it broken, it is stopped and started again for the next case.
  r.implementation_broke = r.verdict == Verdict::broken;
  const std::string impl_spec = impl.describe().spec;
  // The results' sections: a counter's trials (the locked-vs-unlocked picture), a lifetime
  // case's census before and after.
  if (c.scenario == "counter" && !j.trials.empty())
    out.stress_row = {{"impl", impl_spec},
                      {"case", c.id},
                      {"scenario", "counter (" + c.params.value("shape", "value") + ")"},
                      {"mode", c.params.value("mode", "")},
                      {"params", c.params},
                      {"verdict", std::string(harness::to_string(r.verdict))},
                      {"trials", j.trials},
                      {"summary", j.summary}};
  if (control && !trials.empty() && (r.verdict == Verdict::pass || r.verdict == Verdict::inconclusive)) {
    out.detection_row = detection_row(c, trials, trial_seconds, ctx.confidence.value_or(default_confidence));
    out.detection_row["impl"] = impl_spec;
  }
  if (r.suite == "lifetime") {
    const json b = harness::census_json(before), a = harness::census_json(after);
    out.lifetime_row = {{"impl", impl_spec}, {"case", c.id}, {"before", b}, {"after", a}, {"diff", harness::census_diff(b, a)},
                        {"isolation", impl.isolation()}};
    if (!j.summary.empty() && !j.summary.is_null()) out.lifetime_row["observed"] = j.summary;
  }
  return out;
}

}  // namespace shmcheck::stress
