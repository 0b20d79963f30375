// The process-local side of shared blocks: which arenas this process maps, which blocks it
// holds, and the cross-process reference counting described in block.hpp.
#include "arena.hpp"
#include "fault.hpp"

#include <shmcheck/block.hpp>
#include <shmcheck/error.hpp>
#include <shmcheck/segment.hpp>

#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace shmcheck {
namespace detail {

struct LocalArena {
  Segment segment;
  ArenaHeader* header() const { return static_cast<ArenaHeader*>(segment.data()); }
  std::byte* base() const { return static_cast<std::byte*>(segment.data()); }
  std::size_t local_blocks = 0;  // blocks this process holds in it
  // This process's way to the arena's mutex; set once the header is valid (init or adopt).
  std::optional<MutexAccess> mutex;
};

struct LocalBlock {
  LocalArena* arena;
  BlockHeader* header;
  std::uint64_t offset;  // of the payload within the segment
};

namespace {

// Scoped hold of an arena's robust mutex. A dead holder can only have died between a few
// stores to the free lists; recovering keeps the heap usable (at worst a block leaks).
class ArenaHold {
 public:
  explicit ArenaHold(LocalArena& a) : m_(*a.mutex) { m_.lock(); }
  ~ArenaHold() { m_.unlock(); }
  ArenaHold(const ArenaHold&) = delete;
  ArenaHold& operator=(const ArenaHold&) = delete;

 private:
  MutexAccess& m_;
};

std::size_t size_class_for(std::size_t bytes) {
  const std::size_t need = bytes + kBlockHeaderSize;
  for (std::size_t c = 0; c < kClasses; ++c)
    if ((std::size_t{64} << c) >= need) return c;
  return kLargeClass;
}

class Registry {
 public:
  Registry() {
    // A forked child holds every block its parent held, so before fork() returns, each block
    // gets one more cross-process reference: the child's. Doing it in the child instead
    // would race with the parent dropping its last reference right after fork(). If fork()
    // fails, these references leak (the blocks are never reused), which is safe.
    at_fork([] { instance().before_fork(); }, [] { instance().after_fork_parent(); },
            [] { instance().after_fork_child(); });
  }

  static Registry& instance() {
    // Never destroyed: blocks held by static objects are released during exit.
    static Registry* r = new Registry;
    return *r;
  }

  std::shared_ptr<LocalBlock> allocate(std::size_t bytes, std::size_t alignment) {
    Hold hold(mu_);
    std::size_t cls = size_class_for(bytes);
    if (alignment > 32) cls = kLargeClass;  // small payloads are 32-aligned
    LocalBlock* lb = nullptr;
    if (cls == kLargeClass) {
      lb = allocate_large(bytes, alignment);
    } else {
      if (current_) lb = allocate_small(*current_, cls, bytes);
      if (!lb) {
        LocalArena* old = current_;
        current_ = map_initialised(kArenaSize);
        if (old && old->local_blocks == 0) unmap(old);
        lb = allocate_small(*current_, cls, bytes);
      }
    }
    return track(lb);
  }

  std::shared_ptr<LocalBlock> adopt(int fd, std::uint64_t offset) {
    Hold hold(mu_);
    Segment seg = Segment::adopt(fd);
    auto it = arenas_.find(seg.identity());
    // Validate through whichever mapping we will keep; a second mapping of an arena this
    // process already maps is dropped (unmapped, descriptor closed) when `seg` goes.
    auto* base = static_cast<std::byte*>(it != arenas_.end() ? it->second->segment.data() : seg.data());
    auto* h = reinterpret_cast<ArenaHeader*>(base);
    if (h->magic != kArenaMagic || offset < h->first_block + kBlockHeaderSize || offset >= h->size ||
        (offset - kBlockHeaderSize) % 32 != 0)
      throw RuntimeError("stale or foreign handle: no shmcheck arena block at offset " + std::to_string(offset));
    auto* bh = reinterpret_cast<BlockHeader*>(base + offset - kBlockHeaderSize);
    if (bh->magic != kBlockMagic || bh->state.load() != BlockState::used || bh->references.load() == 0)
      throw RuntimeError("stale handle: the block at offset " + std::to_string(offset) + " is not live");
    if (bh->payload_size > h->size - offset)
      throw RuntimeError("corrupt arena: the block at offset " + std::to_string(offset) + " runs past its end");
    LocalArena* arena = it != arenas_.end() ? it->second.get() : map(std::move(seg));
    if (!arena->mutex) arena->mutex.emplace(h->mutex);
    ++arena->local_blocks;
    return track(new LocalBlock{arena, bh, offset});
  }

  void release(LocalBlock* lb) {
    Hold hold(mu_);
    live_.erase(lb);
    LocalArena* arena = lb->arena;
    BlockHeader* bh = lb->header;
    if (bh->references.fetch_sub(1) == 1) free_block(*arena, bh);
    delete lb;
    if (--arena->local_blocks == 0 && arena != current_) unmap(arena);
  }

  HeapStats stats() {
    Hold hold(mu_);
    return HeapStats{arenas_.size(), live_.size(), allocations_, reuses_};
  }

  void trim() {
    Hold hold(mu_);
    if (current_ && current_->local_blocks == 0) {
      LocalArena* a = current_;
      current_ = nullptr;
      unmap(a);
    }
  }

 private:
  using Hold = std::lock_guard<std::mutex>;

  void before_fork() {
    mu_.lock();
    if (SHMCHECK_FAULT(freed_while_child_uses)) return;
    for (LocalBlock* lb : live_) lb->header->references.fetch_add(1);
  }
  void after_fork_parent() { mu_.unlock(); }
  // The child's copy is locked by a thread it does not have: a new mutex in its place (the
  // old one is never unlocked, so it is not destroyed either).
  void after_fork_child() { new (&mu_) std::mutex(); }

  LocalArena* map(Segment seg) {
    auto arena = std::make_unique<LocalArena>();
    arena->segment = std::move(seg);
    LocalArena* raw = arena.get();
    arenas_.emplace(raw->segment.identity(), std::move(arena));
    return raw;
  }

  void unmap(LocalArena* arena) { arenas_.erase(arena->segment.identity()); }

  // A new arena is either ready or gone: where the arena's mutex cannot be made (qemu-user
  // without set_robust_list refuses robust mutexes with ENOTSUP), a half-made arena kept as
  // current_ would be locked through a mutex that was never constructed by the next allocation.
  LocalArena* map_initialised(std::size_t size) {
    LocalArena* a = map(Segment::create(size));
    try {
      init_arena(*a);
    } catch (...) {
      unmap(a);
      throw;
    }
    return a;
  }

  static void init_arena(LocalArena& a) {
    auto* h = a.header();
    h->size = a.segment.size();
    robust_mutex_init(h->mutex, false);
    a.mutex.emplace(h->mutex);
    h->first_block = kFirstBlock;
    h->bump = kFirstBlock;
    h->magic = kArenaMagic;
  }

  LocalBlock* allocate_small(LocalArena& a, std::size_t cls, std::size_t bytes) {
    auto* h = a.header();
    BlockHeader* bh = nullptr;
    bool reused = false;
    {
      ArenaHold arena_hold(a);
      if (std::uint64_t off = h->free_heads[cls]) {
        bh = reinterpret_cast<BlockHeader*>(a.base() + off);
        h->free_heads[cls] = next_free(bh);
        reused = true;
      } else if (h->bump + (std::size_t{64} << cls) <= h->size) {
        bh = reinterpret_cast<BlockHeader*>(a.base() + h->bump);
        h->bump += std::size_t{64} << cls;
      } else {
        return nullptr;
      }
      h->live_blocks.fetch_add(1);
      h->total_allocations.fetch_add(1);
    }
    bh->magic = kBlockMagic;
    bh->size_class = static_cast<std::uint32_t>(cls);
    bh->payload_size = bytes;
    bh->references.store(1);
    // Reused memory is zero-filled again (CPython issue #11675); fresh memory already is.
    if (reused && !SHMCHECK_FAULT(no_zero_fill)) std::memset(reinterpret_cast<std::byte*>(bh) + kBlockHeaderSize, 0, (std::size_t{64} << cls) - kBlockHeaderSize);
    bh->state.store(BlockState::used);
    ++allocations_;
    reuses_ += reused;
    ++a.local_blocks;
    return new LocalBlock{&a, bh, static_cast<std::uint64_t>(reinterpret_cast<std::byte*>(bh) - a.base()) + kBlockHeaderSize};
  }

  LocalBlock* allocate_large(std::size_t bytes, std::size_t alignment) {
    const std::size_t align = std::max<std::size_t>(alignment, 64);
    const std::size_t payload = (kFirstBlock + kBlockHeaderSize + align - 1) / align * align;
    const std::size_t page = page_size();
    const std::size_t total = (payload + std::max<std::size_t>(bytes, 1) + page - 1) / page * page;
    LocalArena* a = map_initialised(total);
    auto* h = a->header();
    auto* bh = reinterpret_cast<BlockHeader*>(a->base() + payload - kBlockHeaderSize);
    h->first_block = payload - kBlockHeaderSize;
    h->bump = h->size;  // nothing else is ever carved from it
    h->live_blocks.store(1);
    h->total_allocations.store(1);
    bh->magic = kBlockMagic;
    bh->size_class = kLargeClass;
    bh->payload_size = bytes;
    bh->references.store(1);
    bh->state.store(BlockState::used);
    ++allocations_;
    ++a->local_blocks;
    return new LocalBlock{a, bh, payload};
  }

  static void free_block(LocalArena& a, BlockHeader* bh) {
    auto* h = a.header();
    bh->state.store(BlockState::free);
    h->live_blocks.fetch_sub(1);
    if (bh->size_class == kLargeClass) return;  // its arena goes when the last process unmaps it
    ArenaHold arena_hold(a);
    next_free(bh) = h->free_heads[bh->size_class];
    h->free_heads[bh->size_class] = static_cast<std::uint64_t>(reinterpret_cast<std::byte*>(bh) - a.base());
  }

  std::shared_ptr<LocalBlock> track(LocalBlock* lb) {
    live_.insert(lb);
    // The deleter runs without mu_ held (shared_ptr control blocks never run under it).
    return std::shared_ptr<LocalBlock>(lb, [](LocalBlock* p) { instance().release(p); });
  }

  std::mutex mu_;
  std::unordered_map<std::uint64_t, std::unique_ptr<LocalArena>> arenas_;
  std::unordered_set<LocalBlock*> live_;
  LocalArena* current_ = nullptr;
  std::uint64_t allocations_ = 0;
  std::uint64_t reuses_ = 0;
};

// Built during static initialisation, while the process has one thread. Built lazily, a
// thread's first allocation could race with another thread's fork(): the child then finds
// the function-local static "being initialised" forever, and the atfork handlers are
// registered while a fork runs them.
[[maybe_unused]] const bool registry_ready = (Registry::instance(), true);

}  // namespace
}  // namespace detail

Block Block::allocate(std::size_t bytes, std::size_t alignment) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0)
    throw ValueError("alignment must be a power of two, not " + std::to_string(alignment));
  // Segments are only page-aligned; an arena header precedes the payload.
  if (alignment > detail::page_size())
    throw ValueError("alignment above the page size is not supported: " + std::to_string(alignment));
  // Keeps every size computation below far from wrapping around: 2^62 bytes where size_t has
  // 64 bits, 2^30 where it has 32 (i686, armhf).
  if (bytes > (std::numeric_limits<std::size_t>::max() >> 2) + 1) throw OverflowError("block too large: " + std::to_string(bytes) + " bytes");
  return Block(detail::Registry::instance().allocate(bytes, std::max(alignment, min_alignment)));
}

void* Block::data() const noexcept { return local_ ? local_->arena->base() + local_->offset : nullptr; }
std::size_t Block::size() const noexcept { return local_ ? local_->header->payload_size : 0; }
int Block::segment_fd() const noexcept { return local_ ? local_->arena->segment.fd() : -1; }
std::uint64_t Block::segment_identity() const noexcept { return local_ ? local_->arena->segment.identity() : 0; }
std::uint64_t Block::offset() const noexcept { return local_ ? local_->offset : 0; }
std::uint64_t Block::shared_references() const noexcept { return local_ ? local_->header->references.load() : 0; }

void Block::add_reference_for_transfer() const {
  if (!local_) throw RuntimeError("cannot transfer an empty block handle");
  local_->header->references.fetch_add(1);
}

void Block::withdraw_reference_for_transfer() const {
  // Never the last reference: this handle holds one of its own.
  if (local_) local_->header->references.fetch_sub(1);
}

Block Block::adopt_transferred(int fd, std::uint64_t offset) {
  return Block(detail::Registry::instance().adopt(fd, offset));
}

HeapStats heap_stats() { return detail::Registry::instance().stats(); }
void heap_trim() { detail::Registry::instance().trim(); }

}  // namespace shmcheck
