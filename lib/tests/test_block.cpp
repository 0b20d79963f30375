// Block: arenas, reuse, alignment, and that creating and destroying leaves nothing behind.
#include "support/child.hpp"
#include "support/own_census.hpp"

#include <shmcheck/array.hpp>
#include <shmcheck/block.hpp>
#include <shmcheck/census.hpp>
#include <shmcheck/object.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <set>
#include <vector>

using namespace shmcheck;

TEST(Block, SmallBlocksShareOneArena) {
  heap_trim();
  const auto before = heap_stats();
  std::vector<Object> values;
  for (int i = 0; i < 1000; ++i) values.push_back(make_value('i', Item(i)));
  const auto during = heap_stats();
  // 1000 locked Values (2000 blocks of 64 bytes) fit in one or two 1 MiB arenas: a Value
  // costs no page and no descriptor of its own (CPython: one mapping per lock).
  EXPECT_LE(during.arenas - before.arenas, 2u);
  EXPECT_EQ(during.live_blocks - before.live_blocks, 2000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(values[i].value(), Item(i));
}

TEST(Block, FreedBlocksAreReusedAndZeroFilled) {
  Block keep = Block::allocate(8);  // keeps the arena mapped across the cycle
  std::uintptr_t first_address = 0;
  {
    Block b = Block::allocate(40);
    std::memset(b.data(), 0xab, 40);
    first_address = reinterpret_cast<std::uintptr_t>(b.data());
  }
  const auto before = heap_stats();
  Block again = Block::allocate(40);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(again.data()), first_address);  // same class: reused
  EXPECT_EQ(heap_stats().reuses, before.reuses + 1);
  const auto* p = static_cast<const unsigned char*>(again.data());
  for (int i = 0; i < 40; ++i) ASSERT_EQ(p[i], 0) << "byte " << i << " of a reused block";
}

TEST(Block, PayloadsAreAlignedForEveryTypecodeAndAtomics) {
  std::vector<Block> blocks;
  for (std::size_t bytes : {0, 1, 3, 7, 8, 16, 31, 33, 100, 1000, 5000, 9000, 100000})
    blocks.push_back(Block::allocate(bytes));
  for (const auto& b : blocks) EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b.data()) % Block::min_alignment, 0u);
  Block wide = Block::allocate(10, 128);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(wide.data()) % 128, 0u);
  EXPECT_THROW(Block::allocate(10, 3), ValueError);
}

TEST(Block, LargeBlocksGetTheirOwnSegmentAndGoAway) {
  heap_trim();
  const auto before = heap_stats();
  {
    Block big = Block::allocate(64 << 20);
    EXPECT_EQ(heap_stats().arenas, before.arenas + 1);
    auto* p = static_cast<unsigned char*>(big.data());
    EXPECT_EQ(p[0], 0);
    EXPECT_EQ(p[(64 << 20) - 1], 0);
    p[(64 << 20) - 1] = 7;
  }
  EXPECT_EQ(heap_stats().arenas, before.arenas);
}

TEST(Block, DistinctLiveBlocksNeverOverlap) {
  std::vector<Block> blocks;
  for (int i = 0; i < 3000; ++i) blocks.push_back(Block::allocate(static_cast<std::size_t>(i % 200)));
  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> ranges;
  for (const auto& b : blocks) {
    const auto a = reinterpret_cast<std::uintptr_t>(b.data());
    ranges.emplace_back(a, a + std::max<std::size_t>(b.size(), 1));
  }
  std::sort(ranges.begin(), ranges.end());
  for (std::size_t i = 1; i < ranges.size(); ++i) ASSERT_LE(ranges[i - 1].second, ranges[i].first);
}

TEST(Block, TenThousandCreateDestroyCyclesLeaveNothingBehind) {
  heap_trim();
  const Census before = test::own(take_census());
  for (int i = 0; i < 10000; ++i) {
    Object v = make_value('d', Item(1.5));
    Object a = make_array('i', 16);
    Array<long> t(8);
    t.set(0, i);
    ASSERT_EQ(t.get(0), i);
  }
  heap_trim();
  const Census after = test::own(take_census());
  EXPECT_EQ(census_growth(before, after), std::vector<std::string>{});
  EXPECT_EQ(after.open_fds, before.open_fds);
  EXPECT_EQ(after.shared_map_lines, before.shared_map_lines);
  EXPECT_EQ(after.dev_shm, before.dev_shm);
  EXPECT_EQ(heap_stats().arenas, 0u);
}

TEST(Block, ReferencesCountProcessesNotHandles) {
  Block b = Block::allocate(16);
  Block copy = b;  // a second handle in this process: still one reference
  EXPECT_EQ(b.shared_references(), 1u);
  const auto end = test::run_in_child([&]() -> int { return b.shared_references() == 2 ? 0 : 1; });
  EXPECT_TRUE(end.ok()) << "the forked child should hold its own reference";
}

TEST(Block, SizesThatWouldWrapAroundAreOverflowErrors) {
  EXPECT_THROW(Block::allocate(SIZE_MAX - 10), OverflowError);
  EXPECT_THROW(Block::allocate(SIZE_MAX - 100), OverflowError);
  EXPECT_THROW(Block::allocate(std::size_t{1} << (std::numeric_limits<std::size_t>::digits - 1)), OverflowError);
}

TEST(Block, AlignmentAboveThePageSizeIsRefused) { EXPECT_THROW(Block::allocate(10, 65536), ValueError); }
