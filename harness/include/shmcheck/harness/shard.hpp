#pragma once
// A run split across machines (`shmcheck run --shard K/N`): shard K of N runs every Nth unit
// of the run's deterministic order, starting with the Kth, so the N shards are disjoint and
// together are exactly the whole run.
//
// The unit is one case on one subject (an implementation, or a --diff pair). A suite loop's
// units are a table, subjects x cases, dealt round-robin along its diagonals: unit (s, c) goes
// to shard (offset + s + c) mod N. So each subject's cases are spread evenly over the shards,
// and so are each case's subjects: a case that is slow everywhere (a stress scenario, a
// property that forks) is not all in one shard, as it would be dealing subject after subject
// whenever N divides the number of cases. The offset moves on by the loop's units, so the next
// suite starts where this one ended. No hash of names: the order is already deterministic
// (each suite's case list depends only on the options and the seed, the stress suite's seeded
// shuffle included), and a hash spreads a dozen stress cases 6/4/2. The audit observes ABIs,
// not implementations, and builds its probes once: it is one unit as a whole.
//
// A case in a shard is the case of the whole run: its generation depends on the seed and the
// case, never on what ran before. What an implementation carries from case to case (a fault
// that counts stores, a leak) can differ, as it can between any two runs of different --case.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace shmcheck::harness {

struct Shard {
  std::size_t index = 1;  // 1-based
  std::size_t count = 1;
  bool whole() const noexcept { return count == 1; }
};

inline constexpr std::size_t kMaxShards = 100000;

// "K/N" with 1 <= K <= N <= kMaxShards, digits only; ValueError naming `text` otherwise.
Shard parse_shard(std::string_view text);

// Deals the units of a run, in its order, to one shard.
class Dealer {
 public:
  explicit Dealer(Shard shard = {}) : shard_(shard) {}
  const Shard& shard() const noexcept { return shard_; }
  // A suite loop's `subjects` x `cases` units: mine[s][c] when case c of subject s is this
  // shard's.
  std::vector<std::vector<bool>> deal(std::size_t subjects, std::size_t cases);
  // One unit (the audit): whether it is this shard's.
  bool deal_one();

 private:
  Shard shard_;
  std::size_t offset_ = 0;
};

}  // namespace shmcheck::harness
