#pragma once
// Processors without a streaming store we use, and sanitizer builds: nothing is streamed,
// the caller's ordinary word loop copies everything.

#include <cstddef>

namespace shmcheck::detail {
inline constexpr bool kStreams = false;

inline std::size_t stream_words(void*, const void*, std::size_t) noexcept { return 0; }

}  // namespace shmcheck::detail
