#pragma once
// How the property suite drives RapidCheck: the search for a failing case and its shrinking,
// done as rc::detail::checkTestable does them (the same sizes, the same random splits, the
// same shrink trees, so the same cases for a seed and the same reproduce strings), but each
// with a wall-clock budget, the failure announced before shrinking starts, and candidates run
// again once a failure has shown itself intermittent.
//
// Why own the two loops instead of configuring RapidCheck: its TestParams bound a run by
// counts only (maxSuccess, maxSize, maxDiscardRatio, disableShrinking); nothing bounds time,
// and its shrinker cannot be stopped, told to re-run a candidate, or asked for the failure
// before it shrinks. A property that answers "passed" once the budget is spent would stop
// the shrinker, but only after it had generated every remaining candidate of the current
// level, and it would make RapidCheck's own verdict a lie that the runner must undo. The loops
// themselves are small (search.cpp); owning them makes the budgets exact: they are checked
// before every run, so a search or a shrink overruns its budget by at most one run of one
// case, which the driver's request timeout bounds.
#include <rapidcheck.h>

#include <cstdint>
#include <functional>
#include <optional>

namespace shmcheck::properties {

// What one run of a case said. `stop`: the implementation broke or lacks what the property
// needs; nothing more is run.
enum class Said { pass, fail, discard, stop };

// The runner's side of the search: running cases on the implementations.
class Probe {
 public:
  virtual ~Probe() = default;
  // Generates the case of `s` (through s.value(), which runs the property once) and returns
  // what the run said; the case is remembered as the last one.
  virtual Said run(const rc::Shrinkable<rc::detail::CaseDescription>& s) = 0;
  // Runs the last case again, as it was generated.
  virtual Said rerun_last() = 0;
  // The last case is now the failure being shrunk (the found one, or a smaller one).
  virtual void keep_last() = 0;
  // Runs the kept failure again.
  virtual Said rerun_kept() = 0;
  // While on, run() skips (as a discard, without running it) a case that has no fewer
  // operations than the kept failure.
  virtual void skip_unless_smaller(bool on) = 0;
};

struct SearchSettings {
  std::uint64_t seed = 0;
  int cases = 100;
  double budget_s = 120;        // generating and running `cases` cases
  double shrink_budget_s = 60;  // confirming a failure and shrinking it
  // k: the found failure is run again k times; if one of them passes it is intermittent, and
  // a shrink candidate counts as failing if one of k runs fails (up to 8k for candidates
  // with fewer operations, at the end: see the Shrinker in search.cpp).
  int reruns = 8;
  std::optional<rc::detail::Reproduce> reproduce;  // run only this case (a failure's reproduce)
};

struct Search {
  enum class End {
    passed,         // every case passed
    failed,         // a case failed; see the rest
    gave_up,        // too many cases discarded (the model could not judge them)
    out_of_budget,  // the budget ran out before `cases` cases ran
    stopped,        // a run said stop
  };
  End end = End::passed;
  int passed = 0, discarded = 0;
  double seconds = 0;  // searching
  // A failure:
  int refailed = 0, reruns = 0;      // the found case run again: how often it failed again
  bool intermittent = false;         // a case that failed once passed on a re-run
  rc::detail::Reproduce reproduce;   // the smallest failing case found
  int shrink_steps = 0, shrinks_tried = 0;
  bool fully_shrunk = false;         // false: the shrink budget ran out first
  double shrink_seconds = 0;
};

// Runs `property` as settings say. `on_found` is called once a failing case is found, before
// it is confirmed and shrunk (the probe has just run it).
Search search(const rc::detail::Property& property, const SearchSettings& settings, Probe& probe,
              const std::function<void(const Search&)>& on_found);

}  // namespace shmcheck::properties
