#pragma once
// x86-64 (SSE2 is part of every x86-64): 16-byte non-temporal stores (movntdq), then one sfence.

#include <shmcheck/detail/shared_word.hpp>

#include <emmintrin.h>

#include <cstddef>

namespace shmcheck::detail {
inline constexpr bool kStreams = true;

// Copies whole pairs of words from `shared` (8-byte aligned) to `out` (16-byte aligned) and
// returns how many words it copied (an even number; the caller copies what is left). The
// sfence orders the streamed stores before every later store of this thread, as ordinary
// stores are ordered on x86, so a lock released after the copy still publishes them.
inline std::size_t stream_words(void* out, const void* shared, std::size_t words) noexcept {
  auto* to = static_cast<__m128i*>(out);
  const auto* from = static_cast<const SharedWord*>(shared);
  const std::size_t pairs = words / 2;
  for (std::size_t k = 0; k < pairs; ++k) {
    const auto low = static_cast<long long>(__atomic_load_n(from + 2 * k, __ATOMIC_RELAXED));
    const auto high = static_cast<long long>(__atomic_load_n(from + 2 * k + 1, __ATOMIC_RELAXED));
    _mm_stream_si128(to + k, _mm_set_epi64x(high, low));
  }
  _mm_sfence();
  return 2 * pairs;
}

}  // namespace shmcheck::detail
