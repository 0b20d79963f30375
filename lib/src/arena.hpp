#pragma once
// The layout of an arena in shared memory. Internal: every process that maps an arena
// reads and writes these structures, so they hold offsets, never pointers.
//
//   [ArenaHeader][block][block]...       blocks are 64-byte aligned, each a power of two
//   block = [BlockHeader 32 bytes][payload]
//
// Small blocks (up to 8 KiB including the header) come from 1 MiB shared arenas, one free
// list per size class; a larger block gets an arena of its own holding just it. Size
// classes instead of best fit keep every operation O(1), and a freed block is reused by
// the next request of its class.

#include "robust_mutex.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace shmcheck::detail {

inline constexpr std::uint64_t kArenaMagic = 0x4e52416b63686d73ULL;  // "shmckARN"
inline constexpr std::uint32_t kBlockMagic = 0x6b6c4273;             // "sBlk"
inline constexpr std::size_t kArenaSize = std::size_t{1} << 20;
inline constexpr std::size_t kBlockHeaderSize = 32;
inline constexpr std::size_t kMinBlockShift = 6;  // 64-byte blocks
inline constexpr std::size_t kClasses = 8;        // 64 B .. 8 KiB
inline constexpr std::uint32_t kLargeClass = 0xff;

enum class BlockState : std::uint32_t { free = 0, used = 1 };

struct BlockHeader {
  std::uint32_t magic;
  std::uint32_t size_class;                 // 0..kClasses-1, or kLargeClass
  std::atomic<std::uint64_t> references;    // holders across all processes
  std::uint64_t payload_size;               // bytes requested
  std::atomic<BlockState> state;
  std::uint32_t reserved;
};
static_assert(sizeof(BlockHeader) == kBlockHeaderSize);

struct ArenaHeader {
  std::uint64_t magic;
  std::uint64_t size;                       // of the whole segment
  RobustMutex mutex;                        // guards bump and free_heads
  std::uint64_t first_block;                // offset of the first block
  std::uint64_t bump;                       // offset of the first never-used byte
  std::uint64_t free_heads[kClasses];       // offset of a free block's header, 0 = none
  std::atomic<std::uint64_t> live_blocks;
  std::atomic<std::uint64_t> total_allocations;
};

inline constexpr std::size_t kFirstBlock = (sizeof(ArenaHeader) + 63) / 64 * 64;

// The free list's link lives in the payload of a free block (it is zero-filled on reuse).
inline std::uint64_t& next_free(BlockHeader* h) {
  return *reinterpret_cast<std::uint64_t*>(reinterpret_cast<std::byte*>(h) + kBlockHeaderSize);
}

}  // namespace shmcheck::detail
