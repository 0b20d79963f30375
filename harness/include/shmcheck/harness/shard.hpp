#pragma once
// A run split across machines (`shmcheck run --shard K/N`): shard K of N runs every Nth unit
// of the run's deterministic order, starting with the Kth, so the N shards are disjoint and
// together are exactly the whole run.
//
// The unit is one case on one subject (an implementation, or a --diff pair), dealt round-robin
// in the order the whole run would take them: suite by suite, subject by subject, case by case
// (Results::deal). Round-robin rather than a hash of the case's name: every suite and every
// implementation is spread evenly (a hash leaves a dozen stress cases 6/4/2), and the order is
// already deterministic, because each suite's case list depends only on the options and the
// seed (the stress suite's seeded shuffle included). The audit observes ABIs, not
// implementations, and builds its probes once: it is one unit as a whole.
//
// A case in a shard is the case of the whole run: its generation depends on the seed and the
// case, never on what ran before. What an implementation carries from case to case (a fault
// that counts stores, a leak) can differ, as it can between any two runs of different --case.
#include <cstddef>
#include <string>
#include <string_view>

namespace shmcheck::harness {

struct Shard {
  std::size_t index = 1;  // 1-based
  std::size_t count = 1;
  bool whole() const noexcept { return count == 1; }
};

inline constexpr std::size_t kMaxShards = 100000;

// "K/N" with 1 <= K <= N <= kMaxShards, digits only; ValueError naming `text` otherwise.
Shard parse_shard(std::string_view text);

}  // namespace shmcheck::harness
