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
// A two-process pair measured with a round-trip probe (below: where its CPUs are) instead
// takes `ratio` over the pairs measured with the two CPUs near each other, leaves it out when
// there were none, and adds
//   ratio_all_pairs           median over every pair, near or far
//   near_pairs, far_share     how many pairs were near, and the share that was not
//   round_trip_ns             median round trip around the pairs; near_round_trip_ns: the near ones'
//   shortest_round_trip_ns    the shortest this program has seen: what "near" is relative to
#include <benchmark/benchmark.h>
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <functional>
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

// The median of `values` (not empty); reorders them.
inline double median_of(std::vector<double>& values) {
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  double median = *middle;
  if (values.size() % 2 == 0) median = (median + *std::max_element(values.begin(), middle)) / 2;
  return median;
}

// Where the two CPUs of a two-process pair are, as the round trip between them shows.
//
// Why: on a VM the host moves the guest's CPUs. On the 2-core KVM guest of issue 17 the
// round trip between its two CPUs (Partner::round_trip_ns: the median of 33 ping-pongs of
// one cache line) falls in three bands, switching every few seconds: about 80 ns, 110-140 ns
// and 350-490 ns (another socket or core complex). In one run of
// Ratio/array-vs-pipe-into/bytes:65536 (5 repetitions, 120,716 pairs) 27 % of the pairs were
// in the far band, and the pairs split by the round trip around them gave 3.48 up to 200 ns
// and 1.96 from 300 ns on. The median over all pairs then moves with how long the host kept
// the CPUs apart during the run: a likely cause of two ci/bench runs on one commit that
// disagreed by 12-22 % (issue 17). So a two-process ratio is taken over the pairs measured
// with the CPUs near each other: a round trip, the larger of the ones just before and just
// after the pair, of at most kNearFactor times the shortest this program has seen (2x: the
// 80 and 110-140 ns bands count as near, 350 ns does not). The median over every pair is kept
// beside it (ratio_all_pairs), with the share of pairs left out (far_share). A pair that the
// host moved and moved back while it ran is not caught: only its ends are probed.
inline constexpr double kNearFactor = 2.0;
inline double& shortest_round_trip_ns() {
  static double shortest = 0;  // 0: none seen yet
  return shortest;
}

// Runs `numerator()` and `denominator()` once per iteration each, alternating which goes
// first, each returning the Measured round it did, and sets the counters. With a `round_trip`
// probe (two processes), also measures where the CPUs are before and after each pair and
// takes the ratio over the near pairs (above). Exceptions from either side become SkipWithError.
template <class Numerator, class Denominator>
void paired_measured(benchmark::State& state, Numerator&& numerator, Denominator&& denominator,
                     const std::function<double()>& round_trip = {}) {
  try {
    double num_seconds = 0, den_seconds = 0, num_units = 0, den_units = 0;
    std::vector<double> pair_ratios, pair_round_trips;
    bool numerator_first = true;
    auto timed = [](auto& side, double& seconds, double& units) {
      const Measured m = side();
      units += m.units;
      seconds += m.seconds;
      return m;
    };
    // Untimed, like the probes: Google Benchmark's own time is not what the ratio is made of.
    auto probe = [&] {
      state.PauseTiming();
      const double ns = round_trip();
      state.ResumeTiming();
      return ns;
    };
    for (auto _ : state) {
      const double before = round_trip ? probe() : 0;
      Measured num{}, den{};
      if (numerator_first) {
        num = timed(numerator, num_seconds, num_units);
        den = timed(denominator, den_seconds, den_units);
      } else {
        den = timed(denominator, den_seconds, den_units);
        num = timed(numerator, num_seconds, num_units);
      }
      numerator_first = !numerator_first;
      const double after = round_trip ? probe() : 0;
      if (num.seconds > 0 && den.seconds > 0 && den.units > 0) {
        pair_ratios.push_back((num.units / num.seconds) / (den.units / den.seconds));
        pair_round_trips.push_back(std::max(before, after));
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
    double& shortest = shortest_round_trip_ns();
    for (double ns : pair_round_trips)
      if (ns > 0 && (shortest == 0 || ns < shortest)) shortest = ns;
    std::vector<double> near_ratios, near_round_trips;
    for (std::size_t i = 0; i < pair_ratios.size(); ++i)
      if (pair_round_trips[i] <= kNearFactor * shortest) {
        near_ratios.push_back(pair_ratios[i]);
        near_round_trips.push_back(pair_round_trips[i]);
      }
    // None near (this repetition ran while the CPUs were far apart): there is no near ratio
    // to give, so it gives none; reports/performance.py leaves the repetition out.
    state.counters["near_pairs"] = static_cast<double>(near_ratios.size());
    state.counters["far_share"] = 1.0 - static_cast<double>(near_ratios.size()) / static_cast<double>(pair_ratios.size());
    state.counters["round_trip_ns"] = median_of(pair_round_trips);
    state.counters["shortest_round_trip_ns"] = shortest;
    state.counters["ratio_all_pairs"] = median_of(pair_ratios);
    if (!near_ratios.empty()) {
      state.counters["ratio"] = median_of(near_ratios);
      state.counters["near_round_trip_ns"] = median_of(near_round_trips);
    }
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
