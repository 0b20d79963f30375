#pragma once
// RawArray<T> and RawValue<T>: shared memory with no lock, CPython's RawArray/RawValue (and
// Array/Value with lock=False). Copies of the C++ object are handles to the same memory.

#include <shmcheck/block.hpp>
#include <shmcheck/detail/element.hpp>

#include <algorithm>
#include <initializer_list>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace shmcheck {

template <Element T>
class RawArray {
 public:
  using value_type = T;
  static constexpr char typecode = typecode_of<T>;

  // Zero-filled, also when the memory is reused.
  explicit RawArray(std::int64_t length)
      : block_(Block::allocate(detail::checked_bytes(length, sizeof(T)), alignof(T))),
        length_(static_cast<std::size_t>(length)) {}
  RawArray(std::initializer_list<T> init) : RawArray(std::span<const T>(init.begin(), init.size())) {}
  explicit RawArray(std::span<const T> init) : RawArray(static_cast<std::int64_t>(init.size())) {
    std::copy(init.begin(), init.end(), data());
  }
  // A handle to an existing block of `length` elements (handles passed across exec).
  RawArray(Block block, std::size_t length) : block_(std::move(block)), length_(length) {}

  std::size_t size() const noexcept { return length_; }
  T get(std::int64_t i) const { return detail::load(data() + resolve_index(i, length_)); }
  void set(std::int64_t i, T v) { detail::store(data() + resolve_index(i, length_), v); }
  std::vector<T> get(const Slice& s) const { return detail::read_slice(data(), length_, s); }
  // a[s] into `out`, which must have the slice's length (ValueError otherwise).
  void get(const Slice& s, std::span<T> out) const { detail::read_slice_into(data(), length_, s, out); }
  void set(const Slice& s, std::span<const T> v) { detail::write_slice(data(), length_, s, v); }
  void set(const Slice& s, std::initializer_list<T> v) { set(s, std::span<const T>(v.begin(), v.size())); }
  detail::ElementRef<RawArray> operator[](std::int64_t i) { return {*this, i}; }
  T operator[](std::int64_t i) const { return get(i); }

  // Lock-free atomic add where the platform has it for T (not part of CPython's API).
  T fetch_add(std::int64_t i, T delta)
    requires(std::is_integral_v<T> && std::atomic_ref<T>::is_always_lock_free)
  {
    return std::atomic_ref<T>(data()[resolve_index(i, length_)]).fetch_add(delta);
  }

  // 'c' arrays: value is the bytes up to the first NUL; raw is every byte.
  std::string value() const requires std::is_same_v<T, char>;
  void set_value(std::string_view v) requires std::is_same_v<T, char>;
  std::string raw() const requires std::is_same_v<T, char> { return std::string(data(), length_); }
  void set_raw(std::string_view v) requires std::is_same_v<T, char>;

  T* data() const noexcept { return static_cast<T*>(block_.data()); }
  std::span<T> span() const noexcept { return {data(), length_}; }
  const Block& block() const noexcept { return block_; }

 private:
  Block block_;
  std::size_t length_;
};

template <Element T>
class RawValue {
 public:
  using value_type = T;
  static constexpr char typecode = typecode_of<T>;

  explicit RawValue(T initial = T{}) : block_(Block::allocate(sizeof(T), alignof(T))) { set_value(initial); }
  explicit RawValue(Block block) : block_(std::move(block)) {}

  T value() const { return detail::load(data()); }
  void set_value(T v) { detail::store(data(), v); }
  T fetch_add(T delta)
    requires(std::is_integral_v<T> && std::atomic_ref<T>::is_always_lock_free)
  {
    return std::atomic_ref<T>(*data()).fetch_add(delta);
  }
  T* data() const noexcept { return static_cast<T*>(block_.data()); }
  const Block& block() const noexcept { return block_; }

 private:
  Block block_;
};

// CPython's copy(obj): a new, independent raw object with the same contents.
template <Element T>
RawArray<T> copy(const RawArray<T>& a) {
  RawArray<T> out(static_cast<std::int64_t>(a.size()));
  std::copy(a.data(), a.data() + a.size(), out.data());
  return out;
}
template <Element T>
RawValue<T> copy(const RawValue<T>& v) {
  return RawValue<T>(v.value());
}

template <Element T>
std::string RawArray<T>::value() const requires std::is_same_v<T, char> {
  const char* p = data();
  return std::string(p, std::find(p, p + length_, '\0'));
}

template <Element T>
void RawArray<T>::set_value(std::string_view v) requires std::is_same_v<T, char> {
  // ctypes: a shorter value is written with a terminating NUL; one of exactly the array's
  // length has none; a longer one is refused.
  if (v.size() > length_) detail::throw_byte_string_too_long();
  std::copy(v.begin(), v.end(), data());
  if (v.size() < length_) data()[v.size()] = '\0';
}

template <Element T>
void RawArray<T>::set_raw(std::string_view v) requires std::is_same_v<T, char> {
  if (v.size() > length_) detail::throw_byte_string_too_long();
  std::copy(v.begin(), v.end(), data());  // a shorter raw overwrites only a prefix
}

}  // namespace shmcheck
