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
//   shortest_round_trip_ns    the shortest this program has seen; near_limit_ns: kNearFactor times it
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
// after the pair, of at most kNearFactor times the shortest this program has seen (3x: with
// 70 ns seen the limit is 210 ns, with only 110 ns 330 ns; the far band starts at 350). The
// median over every pair is kept beside it (ratio_all_pairs), with the share of pairs left
// out (far_share). A pair that the host moved and moved back while it ran is not caught:
// only its ends are probed.
//
// The shortest round trip only falls as the program runs, so a repetition that ran before
// the program first saw the CPUs near (all of it far) has a far limit and calls far pairs
// near. It says so with its shortest_round_trip_ns, and reports/performance.py, which sees
// every repetition of the run, leaves out a repetition whose shortest is itself far.
inline constexpr double kNearFactor = 3.0;
// A repetition gives a near ratio only with at least this share of its pairs near: a few near
// pairs in a far repetition would weigh as much in the median over repetitions as a whole one.
inline constexpr double kLeastNearShare = 0.1;
inline double& shortest_round_trip_ns() {
  static double shortest = 0;  // 0: none seen yet
  return shortest;
}

// The placement counters of one repetition (the convention above): `round_trips[i]` is the
// round trip around the pair whose ratio is `ratios[i]`.
inline void set_near_counters(benchmark::State& state, std::vector<double> ratios, std::vector<double> round_trips) {
  double& shortest = shortest_round_trip_ns();
  for (double ns : round_trips)
    if (ns > 0 && (shortest == 0 || ns < shortest)) shortest = ns;
  std::vector<double> near_ratios, near_round_trips;
  for (std::size_t i = 0; i < ratios.size(); ++i)
    if (round_trips[i] <= kNearFactor * shortest) {
      near_ratios.push_back(ratios[i]);
      near_round_trips.push_back(round_trips[i]);
    }
  const double pairs = static_cast<double>(ratios.size()), near = static_cast<double>(near_ratios.size());
  state.counters["near_pairs"] = near;
  state.counters["far_share"] = 1.0 - near / pairs;
  state.counters["round_trip_ns"] = median_of(round_trips);
  state.counters["shortest_round_trip_ns"] = shortest;
  state.counters["near_limit_ns"] = kNearFactor * shortest;
  state.counters["ratio_all_pairs"] = median_of(ratios);
  // Too few near (the repetition ran while the CPUs were far apart): no near ratio to give,
  // so it gives none; reports/performance.py leaves the repetition out and says so.
  if (near > 0 && near >= kLeastNearShare * pairs) {
    state.counters["ratio"] = median_of(near_ratios);
    state.counters["near_round_trip_ns"] = median_of(near_round_trips);
  }
}

// Runs `numerator()` and `denominator()` once per iteration each, alternating which goes
// first, each returning the Measured round it did, and sets the counters. With a `round_trip`
// probe (two processes), also measures where the CPUs are between pairs and takes the ratio
// over the near pairs (above). Exceptions from either side become SkipWithError.
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
    set_near_counters(state, std::move(pair_ratios), std::move(pair_round_trips));
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
