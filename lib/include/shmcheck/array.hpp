#pragma once
// Array<T> and Value<T>: synchronized shared objects, CPython's Array/Value with a lock.
//
// The lock is the object's own (the default) or one the caller passes in and shares between
// objects. As in CPython, every single access (a[i], a[i] = x, a slice read or write, the
// value of a Value) takes the lock exactly once, so a slice read is an atomic snapshot but
// `a[i] += 1` (a read, then a write) is NOT atomic. For a read-modify-write, hold the lock:
//
//     shmcheck::Guard g(a.get_lock());   // recursive: the accesses inside nest
//     a[0] += 1;
//
// or use fetch_add, which is lock-free.

#include <shmcheck/lock.hpp>
#include <shmcheck/raw_array.hpp>

#include <mutex>

namespace shmcheck {

template <Element T>
class Array {
 public:
  using value_type = T;
  static constexpr char typecode = typecode_of<T>;

  explicit Array(std::int64_t length, Lock lock = Lock::create()) : obj_(length), lock_(std::move(lock)) {}
  Array(std::initializer_list<T> init, Lock lock = Lock::create()) : obj_(init), lock_(std::move(lock)) {}
  explicit Array(std::span<const T> init, Lock lock = Lock::create()) : obj_(init), lock_(std::move(lock)) {}
  // CPython's synchronized(obj, lock): wraps an existing raw array; both share the memory.
  explicit Array(RawArray<T> obj, Lock lock = Lock::create()) : obj_(std::move(obj)), lock_(std::move(lock)) {}

  std::size_t size() const noexcept { return obj_.size(); }  // takes no lock, as len()
  T get(std::int64_t i) const { return locked([&] { return obj_.get(i); }); }
  void set(std::int64_t i, T v) { locked([&] { obj_.set(i, v); }); }
  std::vector<T> get(const Slice& s) const { return locked([&] { return obj_.get(s); }); }
  void get(const Slice& s, std::span<T> out) const { locked([&] { obj_.get(s, out); }); }
  void set(const Slice& s, std::span<const T> v) { locked([&] { obj_.set(s, v); }); }
  void set(const Slice& s, std::initializer_list<T> v) { locked([&] { obj_.set(s, v); }); }
  detail::ElementRef<Array> operator[](std::int64_t i) { return {*this, i}; }
  T operator[](std::int64_t i) const { return get(i); }

  T fetch_add(std::int64_t i, T delta)
    requires(std::is_integral_v<T> && std::atomic_ref<T>::is_always_lock_free)
  {
    return obj_.fetch_add(i, delta);
  }

  // 'c' arrays (CPython's SynchronizedString): value up to the first NUL, and raw.
  std::string value() const requires std::is_same_v<T, char> { return locked([&] { return obj_.value(); }); }
  void set_value(std::string_view v) requires std::is_same_v<T, char> { locked([&] { obj_.set_value(v); }); }
  std::string raw() const requires std::is_same_v<T, char> { return locked([&] { return obj_.raw(); }); }
  void set_raw(std::string_view v) requires std::is_same_v<T, char> { locked([&] { obj_.set_raw(v); }); }

  RawArray<T>& get_obj() noexcept { return obj_; }
  const RawArray<T>& get_obj() const noexcept { return obj_; }
  Lock& get_lock() const noexcept { return lock_; }

 private:
  template <class F>
  auto locked(F&& f) const {
    std::lock_guard<Lock> hold(lock_);
    return f();
  }
  RawArray<T> obj_;
  mutable Lock lock_;
};

template <Element T>
class Value {
 public:
  using value_type = T;
  static constexpr char typecode = typecode_of<T>;

  explicit Value(T initial = T{}, Lock lock = Lock::create()) : obj_(initial), lock_(std::move(lock)) {}
  explicit Value(RawValue<T> obj, Lock lock = Lock::create()) : obj_(std::move(obj)), lock_(std::move(lock)) {}

  T value() const {
    std::lock_guard<Lock> hold(lock_);
    return obj_.value();
  }
  void set_value(T v) {
    std::lock_guard<Lock> hold(lock_);
    obj_.set_value(v);
  }
  T fetch_add(T delta)
    requires(std::is_integral_v<T> && std::atomic_ref<T>::is_always_lock_free)
  {
    return obj_.fetch_add(delta);
  }

  RawValue<T>& get_obj() noexcept { return obj_; }
  const RawValue<T>& get_obj() const noexcept { return obj_; }
  Lock& get_lock() const noexcept { return lock_; }

 private:
  RawValue<T> obj_;
  mutable Lock lock_;
};

// CPython's synchronized(obj, lock=None).
template <Element T>
Array<T> synchronized(RawArray<T> obj, Lock lock = Lock::create()) {
  return Array<T>(std::move(obj), std::move(lock));
}
template <Element T>
Value<T> synchronized(RawValue<T> obj, Lock lock = Lock::create()) {
  return Value<T>(std::move(obj), std::move(lock));
}

}  // namespace shmcheck
