#pragma once
// A ratio measured as a user can trust it: both sides in the same benchmark, interleaved.
//
// Why: two benchmarks run one after the other see different machines: a burst of load from
// something else, a frequency change, a neighbour's cache traffic. Their ratio moved by 2x
// between two ci/bench runs on the same commit (issue 17). Here every iteration runs one
// round of the numerator and one round of the denominator, back to back, alternating which
// goes first, so whatever disturbs one side disturbs the other within milliseconds. Each
// repetition reports its own ratio: the median, over its iterations, of the ratio of the two
// rounds of that iteration. Not the ratio of the repetition's totals: a burst of load that
// lands on one round of one side (a contended lock's waiter descheduled, a pipe's reader
// preempted on 2 cores) then moves one pair of the dozens, not the whole repetition, which is
// what made two ci/bench runs disagree by 20-60 % at 64 MiB. reports/performance.py takes the
// median over the repetitions and prints the min-max beside it.
//
// Convention (performance.py reads it): a paired benchmark is named "Ratio/NAME[/ARGS]" and
// sets the counters
//   ratio                     median over iterations of numerator rate / denominator rate
//   ratio_of_totals           numerator rate / denominator rate over the whole repetition
//   pairs                     how many iterations (pairs of rounds) the median is of
//   numerator_per_second      units per second of the numerator side
//   denominator_per_second    ... of the denominator side
// A unit is whatever one side's round returns (pairs, increments, bytes).
#include <benchmark/benchmark.h>
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace shmcheck::bench {

enum class PairClock {
  // CPU time of the calling thread: for one process, where nothing sleeps, so that time the
  // scheduler gives to other programs does not count against either side.
  thread_cpu,
  // Real (monotonic) time: for rounds that involve another process, where waiting is part
  // of the cost.
  real,
};

inline double pair_clock_seconds(PairClock clock) {
  timespec t;
  clock_gettime(clock == PairClock::thread_cpu ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// One round of a side that times itself (a driver reporting its workers' time).
struct Measured {
  double units;
  double seconds;
};

// Runs `numerator()` and `denominator()` once per iteration each, alternating which goes
// first, each returning the Measured round it did, and sets the three counters. Exceptions
// from either side become SkipWithError.
template <class Numerator, class Denominator>
void paired_measured(benchmark::State& state, Numerator&& numerator, Denominator&& denominator) {
  try {
    double num_seconds = 0, den_seconds = 0, num_units = 0, den_units = 0;
    std::vector<double> pair_ratios;
    bool numerator_first = true;
    auto timed = [](auto& side, double& seconds, double& units) {
      const Measured m = side();
      units += m.units;
      seconds += m.seconds;
      return m;
    };
    for (auto _ : state) {
      Measured num{}, den{};
      if (numerator_first) {
        num = timed(numerator, num_seconds, num_units);
        den = timed(denominator, den_seconds, den_units);
      } else {
        den = timed(denominator, den_seconds, den_units);
        num = timed(numerator, num_seconds, num_units);
      }
      numerator_first = !numerator_first;
      if (num.seconds > 0 && den.seconds > 0 && den.units > 0)
        pair_ratios.push_back((num.units / num.seconds) / (den.units / den.seconds));
    }
    if (num_seconds <= 0 || den_seconds <= 0 || den_units <= 0 || pair_ratios.empty())
      throw std::runtime_error("a side of the pair did no measurable work");
    const double num_rate = num_units / num_seconds, den_rate = den_units / den_seconds;
    const auto middle = pair_ratios.begin() + static_cast<std::ptrdiff_t>(pair_ratios.size() / 2);
    std::nth_element(pair_ratios.begin(), middle, pair_ratios.end());
    double median = *middle;
    if (pair_ratios.size() % 2 == 0) median = (median + *std::max_element(pair_ratios.begin(), middle)) / 2;
    state.counters["numerator_per_second"] = num_rate;
    state.counters["denominator_per_second"] = den_rate;
    state.counters["ratio"] = median;
    state.counters["ratio_of_totals"] = num_rate / den_rate;
    state.counters["pairs"] = static_cast<double>(pair_ratios.size());
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

// The same for sides that return the units they did, timed here by `clock`.
template <class Numerator, class Denominator>
void paired(benchmark::State& state, PairClock clock, Numerator&& numerator, Denominator&& denominator) {
  auto timed = [clock](auto& side) {
    const double t0 = pair_clock_seconds(clock);
    const double units = static_cast<double>(side());
    return Measured{units, pair_clock_seconds(clock) - t0};
  };
  paired_measured(state, [&] { return timed(numerator); }, [&] { return timed(denominator); });
}

}  // namespace shmcheck::bench
