#pragma once
// Block: a reference-counted piece of shared memory, the storage of one Value, Array or Lock.
//
// Small blocks share arenas (a Value costs 64 bytes of an arena, not a page and an fd);
// large ones get a segment of their own. Freed blocks are reused, and reused memory is
// zero-filled again (CPython issue #11675).
//
// Lifetime is counted across processes, which is where the reference deliberately departs
// from CPython (gh-110660, where a block freed by the parent is handed to the next Value
// while a child still uses it): the count in shared memory holds one reference per process
// that holds the block, plus one per exported handle not yet attached. A fork adds the
// child's references before fork() returns; the block goes back to the free list only when
// the last holder anywhere drops it. A holder that dies without dropping (SIGKILL) leaks its
// block inside the arena, which is safe: the arena's memory still goes back to the kernel
// when the last process that maps it is gone.

#include <cstddef>
#include <cstdint>
#include <memory>

namespace shmcheck {

namespace detail {
struct LocalBlock;
}

class Block {
 public:
  // Payloads are aligned to this at least: above every typecode's alignment and every
  // std::atomic_ref's required alignment (CPython's heap guarantees only 8).
  static constexpr std::size_t min_alignment = 16;

  // A zero-filled block of `bytes` bytes (0 is allowed) aligned to `alignment` (a power of two
  // up to the page size; ValueError otherwise). OverflowError beyond 2^62 bytes.
  static Block allocate(std::size_t bytes, std::size_t alignment = min_alignment);

  Block() = default;
  void* data() const noexcept;
  std::size_t size() const noexcept;
  explicit operator bool() const noexcept { return local_ != nullptr; }
  // The same shared memory, whichever handle or mapping each side reached it through.
  friend bool operator==(const Block& a, const Block& b) noexcept {
    return a.segment_identity() == b.segment_identity() && a.offset() == b.offset();
  }

  // Where the block lives, for handles: the segment's descriptor and identity, the offset.
  int segment_fd() const noexcept;
  std::uint64_t segment_identity() const noexcept;
  std::uint64_t offset() const noexcept;
  // The cross-process reference count (for tests and diagnostics).
  std::uint64_t shared_references() const noexcept;

  // Adds one cross-process reference on behalf of a receiver that has no handle yet.
  void add_reference_for_transfer() const;
  // Takes such a reference back when the transfer failed.
  void withdraw_reference_for_transfer() const;
  // Maps (or reuses the mapping of) the segment behind `fd` and takes over one reference
  // that the sender added for this receiver. Takes ownership of `fd`. Throws RuntimeError
  // when there is no live block at `offset`.
  static Block adopt_transferred(int fd, std::uint64_t offset);

 private:
  explicit Block(std::shared_ptr<detail::LocalBlock> local) : local_(std::move(local)) {}
  std::shared_ptr<detail::LocalBlock> local_;
};

struct HeapStats {
  std::size_t arenas = 0;          // segments this process maps (shared arenas and large blocks)
  std::size_t live_blocks = 0;     // blocks this process holds
  std::uint64_t allocations = 0;   // blocks handed out by this process
  std::uint64_t reuses = 0;        // of which came from a free list
};
HeapStats heap_stats();
// Unmaps the cached empty arena, so that a process holding no block maps nothing.
void heap_trim();

}  // namespace shmcheck
