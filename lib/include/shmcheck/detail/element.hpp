#pragma once
// Internals shared by the typed objects: element loads and stores, size checks, and the
// proxy behind a[i]. Not part of the interface.

#include <shmcheck/detail/shared_word.hpp>
#include <shmcheck/detail/stream.hpp>
#include <shmcheck/error.hpp>
#include <shmcheck/slice.hpp>
#include <shmcheck/typecode.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace shmcheck::detail {

// Element access through relaxed atomics: each element read or write is one indivisible
// access (as an aligned ctypes access is on every platform CPython runs on), and concurrent
// access from several processes is defined behaviour instead of a C++ data race. Ordering
// between elements is what the lock is for.
template <class T>
T load(const T* p) noexcept {
  return std::atomic_ref<T>(*const_cast<T*>(p)).load(std::memory_order_relaxed);
}
template <class T>
void store(T* p, T v) noexcept {
  std::atomic_ref<T>(*p).store(v, std::memory_order_relaxed);
}

// Bytes for `length` elements of `element_size`: ValueError for a negative length (CPython:
// "Array length must be >= 0, not -1"), OverflowError when it does not fit ("array too large").
std::size_t checked_bytes(std::int64_t length, std::size_t element_size);

// "Can only assign sequence of same size"
[[noreturn]] void throw_slice_size_mismatch();
// "byte string too long": the 'c' value and raw setters refuse more bytes than fit.
[[noreturn]] void throw_byte_string_too_long();

// A contiguous run of elements between shared memory and private memory, as fast as memcpy
// where memory bandwidth is the limit (a large read streams its private side, stream.hpp),
// and still never tearing an element: the shared side is accessed in SharedWords. Only the
// elements before the first aligned word and after the last are copied one at a time, so a
// word never covers an element outside the run.
//
// Returns how many of the elements were streamed. `stream_from` is kStreamFrom; tests lower
// it to reach the streamed path with small arrays.
template <class T>
std::size_t copy_from_shared(T* out, const T* shared, std::size_t n, std::size_t stream_from = kStreamFrom) noexcept {
  static_assert(sizeof(T) <= 8 && 8 % sizeof(T) == 0);
  constexpr std::size_t per_word = 8 / sizeof(T);
  std::size_t k = 0;
  for (; k < n && reinterpret_cast<std::uintptr_t>(shared + k) % 8 != 0; ++k) out[k] = load(shared + k);
  const auto copy_word = [&] {
    const SharedWord w = __atomic_load_n(reinterpret_cast<const SharedWord*>(shared + k), __ATOMIC_RELAXED);
    std::memcpy(out + k, &w, 8);
    k += per_word;
  };
  // Streaming needs `out` 16-byte aligned, which one ordinary word achieves when `out` and
  // the (now word-aligned) shared side are equally aligned modulo 8: a buffer from malloc
  // and a slice of an Array starting at a word boundary are. Otherwise every word is copied
  // the ordinary way.
  std::size_t streamed = 0;
  if (n - k >= per_word && (n - k) * sizeof(T) >= stream_from) {
    if (reinterpret_cast<std::uintptr_t>(out + k) % 16 == 8) copy_word();
    if (reinterpret_cast<std::uintptr_t>(out + k) % 16 == 0) {
      streamed = stream_words(out + k, shared + k, (n - k) / per_word) * per_word;
      k += streamed;
    }
  }
  while (k + per_word <= n) copy_word();
  for (; k < n; ++k) out[k] = load(shared + k);
  return streamed;
}

template <class T>
void copy_to_shared(T* shared, const T* in, std::size_t n) noexcept {
  static_assert(sizeof(T) <= 8 && 8 % sizeof(T) == 0);
  constexpr std::size_t per_word = 8 / sizeof(T);
  std::size_t k = 0;
  for (; k < n && reinterpret_cast<std::uintptr_t>(shared + k) % 8 != 0; ++k) store(shared + k, in[k]);
  for (; k + per_word <= n; k += per_word) {
    SharedWord w;
    std::memcpy(&w, in + k, 8);
    __atomic_store_n(reinterpret_cast<SharedWord*>(shared + k), w, __ATOMIC_RELAXED);
  }
  for (; k < n; ++k) store(shared + k, in[k]);
}

// The elements r selects, into `out` (exactly r.length of them).
template <class T>
void read_resolved(const T* data, const SliceIndices& r, T* out) {
  if (r.step == 1) {
    copy_from_shared(out, data + r.start, r.length);
    return;
  }
  for (std::size_t k = 0; k < r.length; ++k) out[k] = load(data + r.at(k));
}

// a[s] into a caller's buffer of exactly the slice's length (ValueError otherwise): no
// allocation, no first-touch page faults, which cost more than the copy for a fresh buffer.
template <class T>
void read_slice_into(const T* data, std::size_t n, const Slice& s, std::span<T> out) {
  const SliceIndices r = resolve(s, n);
  if (out.size() != r.length) throw_slice_size_mismatch();
  read_resolved(data, r, out.data());
}

template <class T>
std::vector<T> read_slice(const T* data, std::size_t n, const Slice& s) {
  const SliceIndices r = resolve(s, n);
  std::vector<T> out(r.length);
  read_resolved(data, r, out.data());
  return out;
}

template <class T>
void write_slice(T* data, std::size_t n, const Slice& s, std::span<const T> values) {
  const SliceIndices r = resolve(s, n);
  if (values.size() != r.length) throw_slice_size_mismatch();  // checked before any write
  if (r.step == 1) return copy_to_shared(data + r.start, values.data(), r.length);
  for (std::size_t k = 0; k < r.length; ++k) store(data + r.at(k), values[k]);
}

// a[i] on a typed array: reads and writes go through the container, so on a synchronized
// array each one takes the lock once and `a[i] += 1` takes it twice: not atomic, exactly
// as CPython's `a[i] += 1`. Hold the lock (Guard) around it to make it atomic.
template <class Container>
class ElementRef {
 public:
  using T = typename Container::value_type;
  ElementRef(Container& c, std::int64_t i) : c_(c), i_(i) {}
  operator T() const { return c_.get(i_); }
  ElementRef& operator=(T v) {
    c_.set(i_, v);
    return *this;
  }
  ElementRef& operator=(const ElementRef& other) { return *this = T(other); }
  ElementRef& operator+=(T d) { return *this = T(c_.get(i_) + d); }
  ElementRef& operator-=(T d) { return *this = T(c_.get(i_) - d); }

 private:
  Container& c_;
  std::int64_t i_;
};

}  // namespace shmcheck::detail
