#include <shmcheck/harness/emulator.hpp>
#include <shmcheck/harness/interrupt.hpp>
#include <shmcheck/harness/replay.hpp>
#include <shmcheck/harness/suite.hpp>

#include <shmcheck/protocol/driver_text.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace shmcheck::harness {

Description Suite::describe(const Subject&, const std::vector<Implementation*>& impls) const { return impls.at(0)->describe(); }

namespace {

// The subject's implementations, opened together (all or none).
std::vector<std::unique_ptr<Implementation>> open_all(const Subject& s, const Opener& open) {
  std::vector<std::unique_ptr<Implementation>> out;
  for (const auto& spec : s.specs) out.push_back(open(spec));
  return out;
}

std::vector<Implementation*> pointers(const std::vector<std::unique_ptr<Implementation>>& owned) {
  std::vector<Implementation*> out;
  for (const auto& i : owned) out.push_back(i.get());
  return out;
}

// "stress/lifetime": the suites the cases count in, in order.
std::string suites_of(const std::vector<CaseInfo>& cases) {
  std::string out;
  for (const auto& c : cases)
    if (("/" + out + "/").find("/" + c.suite + "/") == std::string::npos) out += (out.empty() ? "" : "/") + c.suite;
  return out;
}

// Stops every implementation of a subject; what they were given in /dev/shm and left is
// added to `removed`.
void stop_all(std::vector<std::unique_ptr<Implementation>>& owned, std::vector<std::string>& removed) {
  for (auto& impl : owned)
    for (auto& name : impl->stop()) removed.push_back(std::move(name));
  owned.clear();
}

}  // namespace

void run_suite(Suite& suite, const std::vector<Subject>& subjects, const Opener& open, Results& results) {
  const std::vector<CaseInfo> all_cases = suite.cases();
  // This shard's cases of each subject, dealt in the order of the whole run (shard.hpp); a
  // subject with none is not even started.
  const std::vector<std::vector<bool>> mine = results.dealer().deal(subjects.size(), all_cases.size());
  std::vector<std::vector<CaseInfo>> dealt(subjects.size());
  std::size_t total = 0;
  for (std::size_t s = 0; s < subjects.size(); ++s) {
    for (std::size_t c = 0; c < all_cases.size(); ++c)
      if (mine[s][c]) dealt[s].push_back(all_cases[c]);
    total += dealt[s].size();
  }
  results.expect_cases(total);
  for (std::size_t s = 0; s < subjects.size(); ++s) {
    const Subject& subject = subjects[s];
    const std::vector<CaseInfo>& cases = dealt[s];
    if (interrupted()) break;
    if (cases.empty()) continue;
    // Whatever the implementation leaves behind, from its first start to its last stop.
    LeftoverWatch watch;
    std::vector<std::string> removed;
    std::vector<std::unique_ptr<Implementation>> owned;
    std::optional<Description> description;
    Expectations expectations;
    std::string gave_up;  // why it could not be (re)started: every case left is broken with it
    std::string refused;  // why the emulator cannot run it at all: every case is unsupported with it
    bool all_isolated = false;  // known only once they started
    try {
      owned = open_all(subject, open);
      all_isolated = std::all_of(owned.begin(), owned.end(), [](const auto& impl) { return impl->isolated(); });
      description = suite.describe(subject, pointers(owned));
      if (subject.expectations) expectations = subject.expectations(*description);
      results.implementation(*description, owned.size() == 1 ? owned.front()->isolation() : "");
      // The label is the implementation's own words (its hello): escaped, one line. The
      // isolation is shmcheck's own.
      for (const auto& impl : owned)
        results.print(fmt::format("{}: {}\n  isolation: {}\n", impl->describe().spec,
                                  protocol::for_console(impl->describe().label(), 400, false), impl->isolation()));
      for (const auto& impl : owned)
        // The reason starts "emulator:", as every emulator artefact's does (the report counts them apart).
        if (auto why = emulator_refusal(*impl); why && refused.empty())
          refused = *why + (owned.size() > 1 ? " (" + impl->describe().spec + ")" : "");
      if (!refused.empty()) results.print(fmt::format("{}: every case unsupported: {}\n", subject.label, refused));
    } catch (const Broken& e) {
      gave_up = "could not be started: " + reason_with_stderr(e);
      results.broken_implementation(subject.label, reason_with_stderr(e));
    }
    for (const CaseInfo& c : cases) {
      if (interrupted()) break;
      Judged judged;
      CaseResult& r = judged.result;
      r.suite = c.suite;
      r.id = c.id;
      r.source = c.source;
      r.repro = replay_command(suite.replay_arguments(subject, c));
      if (!refused.empty()) {
        r.verdict = Verdict::unsupported;
        r.message = refused;
        results.record(subject.label, expectations, r, judged.extra);
        continue;
      }
      if (owned.empty() && gave_up.empty()) {
        // It broke on an earlier case and was stopped (its process group killed, its /dev/shm
        // names removed): a fresh one runs the next case.
        try {
          owned = open_all(subject, open);
          results.print(fmt::format("{}: restarted after it broke\n", subject.label));
        } catch (const Broken& e) {
          gave_up = "could not be restarted after it broke: " + reason_with_stderr(e);
        }
      }
      if (!owned.empty()) {
        results.begin(subject.label, r);  // on disk before it runs: a crash leaves the replay command
        Session session{subject, pointers(owned), *description, expectations};
        const CaseResult started = r;
        judged = suite.run(session, c, results);
        CaseResult& j = judged.result;  // what the suite left unsaid is the case's own
        if (j.suite.empty()) j.suite = started.suite;
        if (j.id.empty()) j.id = started.id;
        if (j.source.empty()) j.source = started.source;
        if (j.repro.empty()) j.repro = started.repro;
        if (interrupted()) {
          // Whatever it says was cut short by the signal (its processes were killed).
          j.verdict = Verdict::broken;
          j.message = std::string(interruption()) + (j.message.empty() ? "" : "; it had said: " + j.message);
          j.implementation_broke = true;
        }
        if (j.implementation_broke) stop_all(owned, removed);
      } else {
        r.verdict = Verdict::broken;
        r.message = gave_up;
      }
      results.record(subject.label, expectations, judged.result, judged.extra);
    }
    stop_all(owned, removed);
    // In namespaces of their own, nothing they made can be in the machine's /dev/shm: what
    // appeared there meanwhile is other programs' and not worth a word.
    results.leftovers(subject.label, suites_of(cases), watch.collect(removed, !all_isolated));
  }
}

}  // namespace shmcheck::harness
