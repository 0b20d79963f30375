#include "fault.hpp"

#include <shmcheck/detail/element.hpp>
#include <shmcheck/error.hpp>
#include <shmcheck/object.hpp>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>

namespace shmcheck {

std::optional<Lock> LockPolicy::make() const {
  switch (kind_) {
    case Kind::own: return Lock::create();
    case Kind::none: return std::nullopt;
    case Kind::shared: return lock_;
  }
  return std::nullopt;
}

template <class F>
auto Object::locked(F&& f) const {
  // Exactly one hold per call, as CPython's Synchronized wrappers.
  if (!lock_) return f();
  std::unique_lock<Lock> hold(*lock_);
  if (SHMCHECK_FAULT(lock_released_early)) hold.unlock();
  try {
    return f();
  } catch (...) {
    if (SHMCHECK_FAULT(lock_kept_on_error)) hold.release();  // forgets to unlock
    throw;
  }
}

std::string Object::type_name() const {
  if (lock_) {
    if (shape_ == Shape::value) return "Synchronized";
    return tc_->code == 'c' ? "SynchronizedString" : "SynchronizedArray";
  }
  std::string name(tc_->ctypes_name);
  return shape_ == Shape::value ? name : name + "_Array_" + std::to_string(n_);
}

void Object::no_attribute(std::string_view name) const {
  throw AttributeError("'" + type_name() + "' object has no attribute '" + std::string(name) + "'");
}

std::size_t Object::length() const {
  if (shape_ == Shape::value) throw TypeError("object of type '" + type_name() + "' has no len()");
  return n_;
}

Item Object::get(std::int64_t index) const {
  if (shape_ == Shape::value) throw TypeError("'" + type_name() + "' object is not subscriptable");
  return locked([&] { return load_item(*tc_, element(resolve_index(index, n_))); });
}

void Object::set(std::int64_t index, const Item& v) {
  if (shape_ == Shape::value) throw TypeError("'" + type_name() + "' object does not support item assignment");
  locked([&] { store_item(*tc_, element(resolve_index(index, n_)), v); });
}

std::vector<Item> Object::get(const Slice& s) const {
  if (shape_ == Shape::value) throw TypeError("'" + type_name() + "' object is not subscriptable");
  return locked([&] {
    const SliceIndices r = resolve(s, n_);
    std::vector<Item> out;
    out.reserve(r.length);
    for (std::size_t k = 0; k < r.length; ++k) out.push_back(load_item(*tc_, element(r.at(k))));
    return out;
  });
}

void Object::set(const Slice& s, const std::vector<Item>& v) {
  if (shape_ == Shape::value) throw TypeError("'" + type_name() + "' object does not support item assignment");
  locked([&] {
    const SliceIndices r = resolve(s, n_);
    if (v.size() != r.length && !SHMCHECK_FAULT(slice_length_mismatch_accepted)) detail::throw_slice_size_mismatch();
    // Element by element, as ctypes does: a bad item raises after the ones before it were
    // written: CPython 3.11's a[0:3] = [1, 'x', 3] raises TypeError and leaves [1, 0, 0]
    // (checked on this machine). Kept for parity; the clause is in clauses.json.
    for (std::size_t k = 0; k < std::min(r.length, v.size()); ++k) store_item(*tc_, element(r.at(k)), v[k]);
  });
}

Item Object::value() const {
  if (shape_ == Shape::value) return locked([&] { return load_item(*tc_, element(0)); });
  if (tc_->code == 'c') {
    return locked([&] {
      const char* p = reinterpret_cast<const char*>(bytes());
      return Item::bytes(std::string(p, std::find(p, p + n_, '\0')));
    });
  }
  if (tc_->code == 'u' && !lock_) {
    const wchar_t* p = reinterpret_cast<const wchar_t*>(bytes());
    std::u32string out;
    for (std::size_t i = 0; i < n_ && p[i] != 0; ++i) out.push_back(static_cast<char32_t>(p[i]));
    return Item::str(out);
  }
  no_attribute("value");
}

void Object::set_value(const Item& v) {
  if (shape_ == Shape::value) {
    locked([&] { store_item(*tc_, element(0), v); });
    return;
  }
  if (tc_->code == 'c') {
    if (!v.is_bytes()) throw TypeError("bytes expected instead of " + std::string(v.type_name()) + " instance");
    const auto& b = v.as_bytes();
    if (b.size() > n_) detail::throw_byte_string_too_long();
    locked([&] {
      std::memcpy(bytes(), b.data(), b.size());
      if (b.size() < n_ && !SHMCHECK_FAULT(c_value_no_terminator)) reinterpret_cast<char*>(bytes())[b.size()] = '\0';
    });
    return;
  }
  if (tc_->code == 'u' && !lock_) {
    if (!v.is_str()) throw TypeError("unicode string expected instead of " + std::string(v.type_name()) + " instance");
    const auto& s = v.as_str();
    if (s.size() > n_) throw ValueError("string too long");
    auto* p = reinterpret_cast<wchar_t*>(bytes());
    for (std::size_t i = 0; i < s.size(); ++i) p[i] = static_cast<wchar_t>(s[i]);
    if (s.size() < n_) p[s.size()] = 0;
    return;
  }
  no_attribute("value");
}

Item Object::raw() const {
  if (shape_ != Shape::array || tc_->code != 'c') no_attribute("raw");
  return locked([&] { return Item::bytes(std::string(reinterpret_cast<const char*>(bytes()), n_)); });
}

void Object::set_raw(const Item& v) {
  if (shape_ != Shape::array || tc_->code != 'c') no_attribute("raw");
  if (!v.is_bytes()) throw TypeError("a bytes-like object is required, not '" + std::string(v.type_name()) + "'");
  const auto& b = v.as_bytes();
  if (b.size() > n_) detail::throw_byte_string_too_long();
  locked([&] { std::memcpy(bytes(), b.data(), b.size()); });
}

namespace {

template <class T>
Item atomic_add(const Typecode& tc, void* p, const Item& delta) {
  T d{};
  store_item(tc, &d, delta);  // the delta wraps as a store would
  const T old = std::atomic_ref<T>(*static_cast<T*>(p)).fetch_add(d);  // atomics wrap, no UB
  return load_item(tc, &old);
}

}  // namespace

Item Object::fetch_add(std::int64_t index, const Item& delta) {
  if (!delta.is_int()) throw TypeError("fetch_add takes an int delta, not " + std::string(delta.type_name()));
  void* p = shape_ == Shape::value ? element(0) : element(resolve_index(index, n_));
  switch (tc_->code) {
    case 'b': return atomic_add<signed char>(*tc_, p, delta);
    case 'B': return atomic_add<unsigned char>(*tc_, p, delta);
    case 'h': return atomic_add<short>(*tc_, p, delta);
    case 'H': return atomic_add<unsigned short>(*tc_, p, delta);
    case 'i': return atomic_add<int>(*tc_, p, delta);
    case 'I': return atomic_add<unsigned int>(*tc_, p, delta);
    case 'l': return atomic_add<long>(*tc_, p, delta);
    case 'L': return atomic_add<unsigned long>(*tc_, p, delta);
    case 'q': return atomic_add<long long>(*tc_, p, delta);
    case 'Q': return atomic_add<unsigned long long>(*tc_, p, delta);
    default: throw TypeError("fetch_add needs an integer typecode, not '" + std::string(1, tc_->code) + "'");
  }
}

Lock& Object::get_lock() {
  if (!lock_) no_attribute("get_lock");
  return *lock_;
}

Object Object::get_obj() const {
  if (!lock_) no_attribute("get_obj");
  return Object(tc_, shape_, block_, n_, std::nullopt);
}

Object Object::from_parts(const Typecode& tc, Shape shape, Block block, std::size_t n, std::optional<Lock> lock) {
  if (n > block.size() / tc.size) throw RuntimeError("block too small for " + std::to_string(n) + " elements");
  return Object(&tc, shape, std::move(block), n, std::move(lock));
}

Object make_value(char code, const Item& init, const LockPolicy& lock) {
  const Typecode& tc = typecode(code);
  Block b = Block::allocate(tc.size, tc.align);
  if (!init.is_none()) store_item(tc, b.data(), init);
  return Object(&tc, Shape::value, std::move(b), 1, lock.make());
}

Object make_array(char code, std::int64_t size, const LockPolicy& lock) {
  const Typecode& tc = typecode(code);
  Block b = Block::allocate(detail::checked_bytes(size, tc.size), tc.align);
  return Object(&tc, Shape::array, std::move(b), static_cast<std::size_t>(size), lock.make());
}

Object make_array(char code, const std::vector<Item>& init, const LockPolicy& lock) {
  const Typecode& tc = typecode(code);
  Block b = Block::allocate(detail::checked_bytes(static_cast<std::int64_t>(init.size()), tc.size), tc.align);
  auto* p = static_cast<unsigned char*>(b.data());
  for (std::size_t i = 0; i < init.size(); ++i) store_item(tc, p + i * tc.size, init[i]);
  return Object(&tc, Shape::array, std::move(b), init.size(), lock.make());
}

Object copy(const Object& obj) {
  // CPython's copy() sizes the new object with ctypes.sizeof(type(obj)), which a
  // Synchronized wrapper has not got.
  if (obj.is_synchronized()) throw TypeError("this type has no size");
  const Typecode& tc = obj.typecode();
  if (SHMCHECK_FAULT(copy_aliases)) return Object(&tc, obj.shape_, obj.block_, obj.n_, std::nullopt);
  Block b = Block::allocate(obj.n_ * tc.size, tc.align);
  std::memcpy(b.data(), obj.bytes(), obj.n_ * tc.size);
  return Object(&tc, obj.shape_, std::move(b), obj.n_, std::nullopt);
}

Object synchronized(const Object& obj, std::optional<Lock> lock) {
  if (obj.is_synchronized()) throw AssertionError("object already synchronized");
  if (!lock) lock = Lock::create();
  return Object(obj.tc_, obj.shape_, obj.block_, obj.n_, std::move(lock));
}

}  // namespace shmcheck
