#pragma once
// The unit in which contiguous runs of elements are copied to and from shared memory. Not
// part of the interface.

#include <cstdint>

namespace shmcheck::detail {

// A naturally aligned 8-byte word of shared memory, read or written in one relaxed atomic
// access: it holds whole elements of every typecode (each is at most 8 bytes and its size
// divides 8), so no element tears. may_alias: the memory holds doubles, chars, ints, not
// uint64_t objects, and the compiler must not assume otherwise.
using SharedWord = std::uint64_t __attribute__((__may_alias__));

}  // namespace shmcheck::detail
