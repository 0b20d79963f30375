#pragma once
// The unit in which contiguous runs of elements are copied to and from shared memory. Not
// part of the interface.

#include <cstdint>

namespace shmcheck::detail {

// A naturally aligned 8-byte word of shared memory, read or written in one relaxed atomic
// access: it holds whole elements of every typecode (each is at most 8 bytes and its size
// divides 8), so no element tears. may_alias: the memory holds doubles, chars, ints, not
// uint64_t objects, and the compiler must not assume otherwise. aligned(8): on i386 a
// uint64_t may be only 4-aligned, and a compiler that assumes so calls a library routine
// (with a lock) for the atomic access instead of one 8-byte load.
using SharedWord = std::uint64_t __attribute__((__may_alias__, __aligned__(8)));

}  // namespace shmcheck::detail
