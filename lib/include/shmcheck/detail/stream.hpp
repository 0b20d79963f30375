#pragma once
// Copying a large run of 8-byte words out of shared memory into private memory with stores
// that bypass the cache, where the processor has them. Only the private side is streamed:
// the shared side is still read in relaxed 8-byte atomic loads (element.hpp), so no element
// can tear. Not part of the interface.
//
// Why: an ordinary store first reads the line it writes (read for ownership), so a copy too
// large to stay in cache moves its bytes three times through memory, a streaming copy twice.
// Measured on a 2-CPU KVM guest (EPYC), 64 MiB from a shared Array into a vector, against
// glibc's memcpy of the same bytes, 12 placements: 8-byte loads with ordinary stores
// 0.78-1.10, with 16-byte streaming stores 0.99-1.36. Below kStreamFrom a copy's destination
// may well stay in cache for whoever reads it next; streaming would push it out.

#include <cstddef>
#include <cstdint>

namespace shmcheck::detail {

// Shared by every platform: the smallest copy worth streaming. 8 MiB is a whole last-level
// cache of many desktop processors and a large share of a server's.
inline constexpr std::size_t kStreamFrom = std::size_t{8} << 20;

}  // namespace shmcheck::detail

#if defined(__SSE2__)
#include <shmcheck/detail/x86/stream.hpp>
#else
#include <shmcheck/detail/generic/stream.hpp>
#endif
