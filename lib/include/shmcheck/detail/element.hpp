#pragma once
// Internals shared by the typed objects: element loads and stores, size checks, and the
// proxy behind a[i]. Not part of the interface.

#include <shmcheck/error.hpp>
#include <shmcheck/slice.hpp>
#include <shmcheck/typecode.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
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

template <class T>
std::vector<T> read_slice(const T* data, std::size_t n, const Slice& s) {
  const SliceIndices r = resolve(s, n);
  std::vector<T> out;
  out.reserve(r.length);
  for (std::size_t k = 0; k < r.length; ++k) out.push_back(load(data + r.at(k)));
  return out;
}

template <class T>
void write_slice(T* data, std::size_t n, const Slice& s, std::span<const T> values) {
  const SliceIndices r = resolve(s, n);
  if (values.size() != r.length) throw_slice_size_mismatch();  // checked before any write
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
