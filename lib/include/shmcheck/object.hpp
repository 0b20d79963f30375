#pragma once
// Object: a shared Value or Array whose typecode is chosen at run time, what CPython's
// Value(...), Array(...), RawValue(...) and RawArray(...) return. Drivers, properties and the
// CLI use this form; C++ code that knows its types uses Array<T> / Value<T>.
//
// The lock policy is CPython's `lock=` argument: own (True, the default: a new recursive
// lock), none (False: the raw object, no get_lock), or a Lock shared with other objects.
// Element values are Items and convert as ctypes converts them (item.hpp).

#include <shmcheck/item.hpp>
#include <shmcheck/lock.hpp>
#include <shmcheck/slice.hpp>

#include <optional>
#include <string>
#include <vector>

namespace shmcheck {

class LockPolicy {
 public:
  static LockPolicy own() { return LockPolicy(Kind::own, std::nullopt); }
  static LockPolicy none() { return LockPolicy(Kind::none, std::nullopt); }
  static LockPolicy shared(Lock lock) { return LockPolicy(Kind::shared, std::move(lock)); }
  // The lock the object gets: nullopt for none.
  std::optional<Lock> make() const;

 private:
  enum class Kind { own, none, shared };
  LockPolicy(Kind k, std::optional<Lock> l) : kind_(k), lock_(std::move(l)) {}
  Kind kind_;
  std::optional<Lock> lock_;
};

enum class Shape { value, array };

class Object {
 public:
  const Typecode& typecode() const noexcept { return *tc_; }
  Shape shape() const noexcept { return shape_; }
  bool is_synchronized() const noexcept { return lock_.has_value(); }
  // CPython's type name of the object: "Synchronized", "SynchronizedArray",
  // "SynchronizedString", "c_int", "c_int_Array_3" (used in AttributeError messages).
  std::string type_name() const;

  std::size_t length() const;  // TypeError for a Value, as len() on one
  Item get(std::int64_t index) const;
  void set(std::int64_t index, const Item& v);
  std::vector<Item> get(const Slice& s) const;
  void set(const Slice& s, const std::vector<Item>& v);  // as ctypes: stops at a bad item

  // Value: the value. 'c' array: bytes up to the first NUL. Raw 'u' array: str up to the
  // first NUL (a synchronized 'u' array has no value, as in CPython). Else AttributeError.
  Item value() const;
  void set_value(const Item& v);
  // 'c' arrays: every byte; setting writes a prefix. Else AttributeError.
  Item raw() const;
  void set_raw(const Item& v);

  // Lock-free fetch-and-add on an integer element (index ignored for a Value): adds `delta`
  // modulo 2^bits and returns the element before. No lock is taken, synchronized or not.
  // TypeError for a non-integer typecode or delta; IndexError as get().
  Item fetch_add(std::int64_t index, const Item& delta);

  Lock& get_lock();           // AttributeError on a raw object
  Object get_obj() const;     // the raw object behind a synchronized one; AttributeError on raw

  const Block& block() const noexcept { return block_; }
  std::size_t element_count() const noexcept { return n_; }
  std::byte* bytes() const noexcept { return static_cast<std::byte*>(block_.data()); }

  // Rebuilds an object from its parts (handles passed across exec).
  static Object from_parts(const Typecode& tc, Shape shape, Block block, std::size_t n,
                           std::optional<Lock> lock);

 private:
  Object(const Typecode* tc, Shape shape, Block block, std::size_t n, std::optional<Lock> lock)
      : tc_(tc), shape_(shape), block_(std::move(block)), n_(n), lock_(std::move(lock)) {}
  template <class F>
  auto locked(F&& f) const;
  void* element(std::size_t i) const noexcept { return bytes() + i * tc_->size; }
  [[noreturn]] void no_attribute(std::string_view name) const;

  const Typecode* tc_;
  Shape shape_;
  Block block_;
  std::size_t n_;
  mutable std::optional<Lock> lock_;

  friend Object make_value(char, const Item&, const LockPolicy&);
  friend Object make_array(char, std::int64_t, const LockPolicy&);
  friend Object make_array(char, const std::vector<Item>&, const LockPolicy&);
  friend Object copy(const Object&);
  friend Object synchronized(const Object&, std::optional<Lock>);
};

// Value(typecode, init, lock=...) / RawValue: init None means zero.
Object make_value(char typecode, const Item& init = Item(), const LockPolicy& lock = LockPolicy::own());
// Array(typecode, size, lock=...): zero-filled. ValueError if size < 0, OverflowError if too large.
Object make_array(char typecode, std::int64_t size, const LockPolicy& lock = LockPolicy::own());
// Array(typecode, initializer, lock=...)
Object make_array(char typecode, const std::vector<Item>& init, const LockPolicy& lock = LockPolicy::own());
// copy(obj): an independent raw object. TypeError for a synchronized object, as CPython
// ("this type has no size"); copy(obj.get_obj()) is the way.
Object copy(const Object& obj);
// synchronized(obj, lock=None): AssertionError "object already synchronized" if it is.
Object synchronized(const Object& obj, std::optional<Lock> lock = std::nullopt);

}  // namespace shmcheck
