#pragma once
// Item: one dynamically typed value, as a Python caller would pass it to a shared object
// (an int of any sign, a float, a bytes or str object, or None). Storing an Item into an
// element follows CPython's ctypes conversion for that typecode: integers wrap modulo
// 2^bits, 'f' rounds to float32, 'c' takes exactly one byte, 'u' exactly one wchar_t, and
// a value of the wrong kind is a TypeError with CPython 3.11's message.

#include <shmcheck/typecode.hpp>

#include <iosfwd>
#include <string>
#include <variant>

namespace shmcheck {

struct None {
  friend bool operator==(None, None) { return true; }
};

class Item {
 public:
  using Bytes = std::string;     // Python bytes
  using Str = std::u32string;    // Python str, as code points

  Item() : v_(None{}) {}
  Item(None) : v_(None{}) {}
  Item(Int i) : v_(i) {}
  Item(int i) : v_(Int(i)) {}
  Item(long i) : v_(Int(i)) {}
  Item(long long i) : v_(Int(i)) {}
  Item(unsigned long i) : v_(Int(i)) {}
  Item(unsigned long long i) : v_(Int(i)) {}
  Item(double d) : v_(d) {}
  static Item bytes(std::string b) { return Item(Var(std::move(b))); }
  static Item str(std::u32string s) { return Item(Var(std::move(s))); }

  bool is_none() const { return std::holds_alternative<None>(v_); }
  bool is_int() const { return std::holds_alternative<Int>(v_); }
  bool is_float() const { return std::holds_alternative<double>(v_); }
  bool is_bytes() const { return std::holds_alternative<Bytes>(v_); }
  bool is_str() const { return std::holds_alternative<Str>(v_); }
  Int as_int() const { return std::get<Int>(v_); }
  double as_float() const { return std::get<double>(v_); }
  const Bytes& as_bytes() const { return std::get<Bytes>(v_); }
  const Str& as_str() const { return std::get<Str>(v_); }

  // Python's type name of the value: "int", "float", "bytes", "str", "NoneType".
  std::string_view type_name() const;
  // Python's repr: 5, 1.5, b'a', 'a', None.
  std::string repr() const;

  // Equality as observations compare: same kind and same value (floats bitwise, so NaN
  // equals itself and 0.0 differs from -0.0).
  friend bool operator==(const Item& a, const Item& b);

 private:
  using Var = std::variant<None, Int, double, Bytes, Str>;
  explicit Item(Var v) : v_(std::move(v)) {}
  Var v_;
};

// Prints repr(): test frameworks and logs show items as Python would.
std::ostream& operator<<(std::ostream& out, const Item& item);

// Convert `value` as ctypes would for `tc` and write it to `dst` (tc.size bytes, any
// alignment). Throws TypeError/OverflowError exactly where CPython 3.11 does.
void store_item(const Typecode& tc, void* dst, const Item& value);
// Read the element at `src` as the Item CPython would return (int, float, 1-byte bytes,
// 1-character str).
Item load_item(const Typecode& tc, const void* src);
// The zero element of the typecode, as load_item would return it from zeroed memory.
Item zero_item(const Typecode& tc);

}  // namespace shmcheck
