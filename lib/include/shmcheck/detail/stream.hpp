#pragma once
// Copying a large run of words out of shared memory into private memory with stores that
// bypass the cache, where the processor has them. Only the private side is streamed: the
// shared side is still read in relaxed 8-byte atomic loads (shared_word.hpp), so no element
// tears. Not part of the interface.
//
// Why: an ordinary store first reads the line it writes (read for ownership), so a copy too
// large for the cache moves its bytes through memory three times, a streaming copy twice.
// Measured with ci/bench on this project's 2-CPU KVM guest (AMD EPYC, 32 MiB L3), in
// bench_memory's Ratio/slice-read-into-vs-memcpy/d: 64 MiB from a shared Array into a
// vector, against glibc 2.36's memcpy of the same bytes (which does not stream there: its
// threshold is 3/4 of the 256 MiB of L3 the guest's CPUID reports). Per repetition, two
// runs each: ordinary stores 0.91-0.96 and 0.60-0.95, streaming 1.27-1.48 and 1.34-1.48.

#include <cstddef>

namespace shmcheck::detail {

// The smallest copy worth streaming. A copy of N bytes passes 2N through the cache, so from
// about 16 MiB on it fills a 32 MiB last-level cache and what it wrote is pushed out before
// anyone reads it anyway; below that, ordinary stores leave the destination in cache for
// whoever reads it next. Measured on the same guest, a read into a buffer and then a sum
// over the buffer, streamed against ordinary (medians of 15): 0.87 at 4 MiB, 0.88 at 8,
// 1.01 at 12, 1.09 at 16, 1.20 at 64. A constant, not the cache size found at run time: in a
// virtual machine that may be the host's (see above).
inline constexpr std::size_t kStreamFrom = std::size_t{16} << 20;

}  // namespace shmcheck::detail

// The one processor choice of the reference's headers (like int128.hpp's), here and not in
// CMake because it is the compiler's target, not the build's. x86-64 only: every x86-64 has
// SSE2, so every file of a program compiles the same copy (an i686 build may or may not have
// SSE2). GCC's sanitizers do not instrument streaming stores (builtins), so ASan and TSan
// builds copy the ordinary way, where an overrun or a race on the buffer is reported.
#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#include <shmcheck/detail/x86/stream.hpp>
#else
#include <shmcheck/detail/generic/stream.hpp>
#endif
