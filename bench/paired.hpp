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
// A two-process pair measured with a round-trip probe (below: where its CPUs are) gives no
// `ratio` but the pairs split by where the CPUs were, for reports/performance.py to choose:
//   pairs_le_<L>ns, ratio_le_<L>ns   pairs with a round trip of at most L ns, their median ratio
//   ratio_all_pairs                  median over every pair, near or far
//   round_trip_ns                    median round trip around the pairs
#include "support.hpp"

#include <benchmark/benchmark.h>
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
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

// Where the two CPUs of a two-process pair are, as the round trip between them shows.
//
// Why: on a VM the host moves the guest's CPUs. On the 2-core KVM guest of issue 17 the
// round trip between its two CPUs (Partner::round_trip_ns: the median of 33 ping-pongs of
// one cache line) falls in bands, switching every few seconds: 60-140 ns, and 350-490 ns
// (another socket or core complex). In one run of Ratio/array-vs-pipe-into/bytes:65536
// (5 repetitions, 120,716 pairs) 27 % of the pairs were in the far band, and the pairs split
// by the round trip around them gave 3.48 up to 200 ns and 1.96 from 300 ns on. The median
// over all pairs then moves with how long the host kept the CPUs apart during the run: a
// likely cause of two ci/bench runs on one commit that disagreed by 12-22 % (issue 17).
//
// So a two-process ratio is to be taken over the pairs measured with the CPUs near each
// other. Where "near" ends depends on the machine, and is best seen over the whole run: a
// repetition cannot know it (its program may not have seen the CPUs near yet, or far). So
// each repetition gives its pairs split at fixed round trips (kRoundTripGrid: 50 ns times
// powers of sqrt 2, up to 1.6 us), as counters
//   pairs_le_<L>ns            how many pairs had a round trip of at most L ns around them
//   ratio_le_<L>ns            the median ratio over those pairs (when there are any)
// and reports/performance.py, which sees every repetition of the program's run, picks L: the
// top of the first band holding a fifth of the pairs, where a gap of a factor of 2 follows.
// The round trip around a pair is the larger of the one just before it and the one just
// after it; a pair that the host moved and moved back while it ran is not caught.
inline constexpr int kRoundTripGrid[] = {50, 71, 100, 141, 200, 283, 400, 566, 800, 1131, 1600};

// The placement counters of one repetition: `round_trips[i]` is the round trip around the
// pair whose ratio is `ratios[i]`.
inline void set_placement_counters(benchmark::State& state, std::vector<double> ratios, std::vector<double> round_trips) {
  for (int limit : kRoundTripGrid) {
    std::vector<double> within;
    for (std::size_t i = 0; i < ratios.size(); ++i)
      if (round_trips[i] <= limit) within.push_back(ratios[i]);
    const std::string at = std::to_string(limit) + "ns";
    state.counters["pairs_le_" + at] = static_cast<double>(within.size());
    if (!within.empty()) state.counters["ratio_le_" + at] = median_of(within);
  }
  state.counters["round_trip_ns"] = median_of(round_trips);
  state.counters["ratio_all_pairs"] = median_of(ratios);
}

// Runs `numerator()` and `denominator()` once per iteration each, alternating which goes
// first, each returning the Measured round it did, and sets the counters. With a `round_trip`
// probe (two processes), also measures where the CPUs are between pairs and splits the pairs
// by it (above) instead of giving a `ratio`. Exceptions from either side become SkipWithError.
template <class Numerator, class Denominator>
void paired_measured(benchmark::State& state, Numerator&& numerator, Denominator&& denominator,
                     const std::function<double()>& round_trip = {}) {
  try {
    double num_seconds = 0, den_seconds = 0, num_units = 0, den_units = 0;
    std::vector<double> pair_ratios, probes;  // probes[i] just before iteration i, and one after the last
    std::vector<std::size_t> pair_iteration;  // the iteration each of pair_ratios is from
    bool numerator_first = true;
    auto timed = [](auto& side, double& seconds, double& units) {
      const Measured m = side();
      units += m.units;
      seconds += m.seconds;
      return m;
    };
    for (auto _ : state) {
      if (round_trip) {
        // Untimed: Google Benchmark's time is not what the ratio is made of, but it decides
        // when the repetition has run long enough.
        state.PauseTiming();
        probes.push_back(round_trip());
        state.ResumeTiming();
      }
      Measured num{}, den{};
      if (numerator_first) {
        num = timed(numerator, num_seconds, num_units);
        den = timed(denominator, den_seconds, den_units);
      } else {
        den = timed(denominator, den_seconds, den_units);
        num = timed(numerator, num_seconds, num_units);
      }
      numerator_first = !numerator_first;
      if (num.seconds > 0 && den.seconds > 0 && den.units > 0) {
        pair_ratios.push_back((num.units / num.seconds) / (den.units / den.seconds));
        if (round_trip) pair_iteration.push_back(probes.size() - 1);
      }
    }
    if (num_seconds <= 0 || den_seconds <= 0 || den_units <= 0 || pair_ratios.empty())
      throw std::runtime_error("a side of the pair did no measurable work");
    const double num_rate = num_units / num_seconds, den_rate = den_units / den_seconds;
    state.counters["numerator_per_second"] = num_rate;
    state.counters["denominator_per_second"] = den_rate;
    state.counters["ratio_of_totals"] = num_rate / den_rate;
    state.counters["pairs"] = static_cast<double>(pair_ratios.size());
    if (!round_trip) {
      state.counters["ratio"] = median_of(pair_ratios);
      return;
    }
    probes.push_back(round_trip());  // after the last pair (the loop has stopped the clock)
    std::vector<double> pair_round_trips;
    for (std::size_t i : pair_iteration) pair_round_trips.push_back(std::max(probes[i], probes[i + 1]));
    set_placement_counters(state, std::move(pair_ratios), std::move(pair_round_trips));
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

// The same for sides that return the units they did, timed here by `clock`.
template <class Numerator, class Denominator>
void paired(benchmark::State& state, PairClock clock, Numerator&& numerator, Denominator&& denominator,
            const std::function<double()>& round_trip = {}) {
  auto timed = [clock](auto& side) {
    const double t0 = pair_clock_seconds(clock);
    const double units = static_cast<double>(side());
    return Measured{units, pair_clock_seconds(clock) - t0};
  };
  paired_measured(state, [&] { return timed(numerator); }, [&] { return timed(denominator); }, round_trip);
}

}  // namespace shmcheck::bench
