#pragma once
// Copying a large run of words out of shared memory into private memory with stores that
// bypass the cache, where the processor has them. Only the private side is streamed: the
// shared side is still read in relaxed 8-byte atomic loads (shared_word.hpp), so no element
// tears. Not part of the interface.
//
// Why: an ordinary store first reads the line it writes (read for ownership), so a copy too
// large for the cache moves its bytes through memory three times, a streaming copy twice.
// Measured on this project's 2-CPU KVM guest (AMD EPYC, 32 MiB L3), a 64 MiB slice read into
// a buffer against glibc's memcpy of the same bytes (which streams only from 192 MiB there:
// glibc sizes its threshold from the host's 256 MiB of L3 that the guest reports): ordinary
// stores 0.60-1.10 of memcpy depending on where the buffers lie, streaming 1.08-1.27
// (bench_memory's Ratio/slice-read-into-vs-memcpy/d, 14 repetitions).

#include <shmcheck/detail/shared_word.hpp>

#include <cstddef>

namespace shmcheck::detail {

// The smallest copy worth streaming. A copy of N bytes passes 2N through the cache, so from
// 16 MiB on it fills a 32 MiB last-level cache and what it wrote would be pushed out before
// anyone read it anyway; below that, ordinary stores leave the destination in cache for
// whoever reads it next. A constant, not the cache size found at run time: in a virtual
// machine that is the host's (see above).
inline constexpr std::size_t kStreamFrom = std::size_t{16} << 20;

}  // namespace shmcheck::detail

// The one processor choice of the reference's headers (like int128.hpp's), here and not in
// CMake because it depends on the compiler's flags (SSE2) of whoever includes it. The
// sanitizers do not see streaming stores (builtins they do not instrument), so their builds
// copy the ordinary way, where an overrun or a race on the buffer is reported.
#if (defined(__x86_64__) || defined(__i386__)) && defined(__SSE2__) && !defined(__SANITIZE_ADDRESS__) && \
    !defined(__SANITIZE_THREAD__)
#include <shmcheck/detail/x86/stream.hpp>
#else
#include <shmcheck/detail/generic/stream.hpp>
#endif
