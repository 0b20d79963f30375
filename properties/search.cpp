#include "search.hpp"

#include <shmcheck/harness/interrupt.hpp>

#include <algorithm>
#include <chrono>

namespace shmcheck::properties {

namespace {

using Clock = std::chrono::steady_clock;
using Shrinkable = rc::Shrinkable<rc::detail::CaseDescription>;

// A budget of any size (a year stands for more: the clock's nanoseconds would overflow).
Clock::time_point after(Clock::time_point t, double seconds) {
  return t + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(std::min(seconds, 3.2e7)));
}

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The size of the i-th case, RapidCheck's schedule (so that a seed generates what
// checkTestable generated): sizes 0..max_size in turn, and the cases left over after the last
// full round spread evenly over the same range, so that max_size is always reached.
int size_for(int i, int cases, int max_size) {
  const int sizes = max_size + 1;
  const int regular = cases / sizes * sizes;
  if (i < regular) return i % sizes;
  const int rest = cases - regular;
  return rest == 1 ? 0 : (i - regular) * max_size / (rest - 1);
}

// The smallest failure found from `found`, within the shrink budget.
//
// A deterministic failure is shrunk as RapidCheck shrinks: the first candidate that fails
// replaces the case, one run each, until none fails. An intermittent one (a run of it passed)
// cannot be shrunk that way: a smaller case fails less often, so one run rejects candidates
// that do fail, and shrinking stops early on a large case or wanders through whichever
// happened to fail. Its candidates get k runs each and count as failing if one of them fails;
// candidates with fewer operations come first (operations are what make a case small), and at
// each local minimum those are tried again with twice the runs, up to 8k, because the
// smallest cases fail the least often. Values are shrunk once, at k runs.
class Shrinker {
 public:
  Shrinker(const SearchSettings& s, Probe& probe, Search& out, Shrinkable found)
      : s_(s), probe_(probe), out_(out), start_(Clock::now()), deadline_(after(start_, s.shrink_budget_s)), best_(std::move(found)) {}

  void shrink() {
    confirm_found();
    if (!out_.intermittent) {
      descend(false, 1);
      // At the local minimum, the failure is run k times: if it is intermittent after all
      // (smaller cases can fail less often than the one found), its candidates deserved k.
      for (int r = 0; r < s_.reruns && !out_.intermittent && !done(); ++r)
        if (said(probe_.rerun_kept()) == Said::pass) out_.intermittent = true;
    }
    if (out_.intermittent)
      for (int runs = s_.reruns; !done(); runs *= 2) {
        descend(true, runs);
        if (runs == s_.reruns) descend(false, runs);
        if (runs >= 8 * s_.reruns) break;
      }
    out_.fully_shrunk = !done();  // a local minimum, reached with time left
    out_.shrink_seconds = since(start_);
  }

  bool stopped() const { return stopped_; }

 private:
  // The found case, run again k times: how often it fails again tells whether it is
  // intermittent, and the report says so.
  void confirm_found() {
    for (int r = 0; r < s_.reruns && !done(); ++r) {
      const Said x = said(probe_.rerun_kept());
      if (stopped_) return;
      ++out_.reruns;
      out_.refailed += x == Said::fail;
    }
    out_.intermittent = out_.refailed < out_.reruns;
  }

  // From the best case down: the first candidate that fails (in one of `runs` runs) replaces
  // it, until none does, or the time runs out. With `fewer_operations`, only candidates with
  // fewer operations than the best are run (the others are generated and skipped).
  void descend(bool fewer_operations, int runs) {
    probe_.skip_unless_smaller(fewer_operations);
    for (bool accepted = true; accepted && !done();) {
      accepted = false;
      auto candidates = best_.shrinks();
      std::size_t i = 0;
      while (auto candidate = candidates.next()) {
        if (done()) break;
        if (fails(*candidate, runs)) {
          best_ = std::move(*candidate);
          probe_.keep_last();
          out_.reproduce.shrinkPath.push_back(i);
          ++out_.shrink_steps;
          // A failure that looked deterministic is run once more at every step: the first
          // pass shows it intermittent, and the caller goes on with k runs.
          if (runs == 1 && said(probe_.rerun_kept()) == Said::pass) {
            out_.intermittent = true;
            break;
          }
          accepted = true;
          break;
        }
        ++i;
      }
    }
    probe_.skip_unless_smaller(false);
  }

  // Whether a candidate fails in one of `runs` runs.
  bool fails(const Shrinkable& candidate, int runs) {
    ++out_.shrinks_tried;
    Said x = said(probe_.run(candidate));
    for (int r = 1; r < runs && x == Said::pass && !done(); ++r) x = said(probe_.rerun_last());
    return x == Said::fail;
  }

  Said said(Said x) {
    if (x == Said::stop) stopped_ = true;
    return x;
  }

  bool done() const { return stopped_ || harness::interrupted() || Clock::now() >= deadline_; }

  const SearchSettings& s_;
  Probe& probe_;
  Search& out_;
  Clock::time_point start_, deadline_;
  Shrinkable best_;
  bool stopped_ = false;
};

// Replays one case (a failure's reproduce string): generated from its random and size, then
// down its shrink path. An intermittent failure may pass a run: k runs.
Search replay(const rc::detail::Property& property, const SearchSettings& s, Probe& probe,
              const std::function<void(const Search&)>& on_found) {
  Search out;
  const auto start = Clock::now();
  const rc::detail::Reproduce& r = *s.reproduce;
  Shrinkable shrinkable = property(r.random, r.size);
  for (std::size_t index : r.shrinkPath) {
    auto candidates = shrinkable.shrinks();
    for (std::size_t k = 0; k < index && candidates.next();) ++k;
    auto next = candidates.next();
    if (!next) break;  // a path from another build: the case as far as it leads
    shrinkable = std::move(*next);
  }
  Said x = probe.run(shrinkable);
  for (int k = 1; k < s.reruns && x == Said::pass; ++k) x = probe.rerun_last();
  out.seconds = since(start);
  if (x == Said::stop) out.end = Search::End::stopped;
  else if (x == Said::discard) out.end = Search::End::gave_up, out.discarded = 1;
  else if (x == Said::pass) out.passed = 1;
  else {
    probe.keep_last();
    out.end = Search::End::failed;
    out.reproduce = r;
    out.shrink_steps = static_cast<int>(r.shrinkPath.size());
    out.fully_shrunk = true;
    on_found(out);
  }
  return out;
}

}  // namespace

Search search(const rc::detail::Property& property, const SearchSettings& s, Probe& probe,
              const std::function<void(const Search&)>& on_found) {
  if (s.reproduce) return replay(property, s, probe, on_found);
  // RapidCheck's defaults for what the suite does not set.
  const rc::detail::TestParams defaults;
  const int max_discard = defaults.maxDiscardRatio * s.cases;
  Search out;
  const auto start = Clock::now();
  const auto deadline = after(start, s.budget_s);
  rc::Random random(s.seed);
  int recent_discards = 0;
  while (out.passed < s.cases) {
    // An interrupted run stops here too (the suite loop records the property as interrupted).
    if (Clock::now() >= deadline || harness::interrupted()) {
      out.end = Search::End::out_of_budget;
      break;
    }
    const int size = size_for(out.passed, s.cases, defaults.maxSize) + recent_discards / 10;
    const rc::Random case_random = random.split();
    Shrinkable shrinkable = property(case_random, size);
    const Said x = probe.run(shrinkable);
    if (x == Said::stop) {
      out.end = Search::End::stopped;
      break;
    }
    if (x == Said::pass) {
      ++out.passed;
      recent_discards = 0;
      continue;
    }
    if (x == Said::discard) {
      ++recent_discards;
      if (++out.discarded > max_discard) {
        out.end = Search::End::gave_up;
        break;
      }
      continue;
    }
    out.end = Search::End::failed;
    out.seconds = since(start);
    out.reproduce = {case_random, size, {}};
    probe.keep_last();
    on_found(out);
    Shrinker shrinker(s, probe, out, std::move(shrinkable));
    shrinker.shrink();
    if (shrinker.stopped()) out.end = Search::End::stopped;
    return out;
  }
  out.seconds = since(start);
  return out;
}

}  // namespace shmcheck::properties
