#include "fault.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/item.hpp>

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <cwchar>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <type_traits>

namespace shmcheck {
namespace {

// Python's "'float' object cannot be interpreted as an integer" family (3.10+ wording).
[[noreturn]] void not_an_integer(const Item& v) {
  throw TypeError("'" + std::string(v.type_name()) + "' object cannot be interpreted as an integer");
}

// Reduce modulo 2^bits and reinterpret in the signed or unsigned range of the type, as
// ctypes does silently for every integer store.
Int wrap(Int v, const Typecode& tc) {
  const auto bits = tc.bits();
  const int n = static_cast<int>(bits);
  const UInt mask = bits >= 128 ? ~static_cast<UInt>(0) : (static_cast<UInt>(1) << n) - 1;
  UInt u = static_cast<UInt>(v) & mask;
  if (tc.is_signed && bits < 128 && (u >> (n - 1)) != 0) return static_cast<Int>(u) - (static_cast<Int>(1) << n);
  return static_cast<Int>(u);
}

// An 8-byte store done as two halves, with a pause in between in which a reader can see
// the first half only.
void put_torn(void* dst, const void* src) {
  std::memcpy(dst, src, 4);
  sched_yield();
  std::memcpy(static_cast<unsigned char*>(dst) + 4, static_cast<const unsigned char*>(src) + 4, 4);
}

// store_dropped_sometimes: every 64th element store of this process is not written. A counter,
// not a random draw, so that a run is the same every time it is replayed from a fresh driver;
// to a harness that re-runs a case in the same driver it is still intermittent.
bool store_dropped() {
  static std::atomic<std::uint64_t> stores{0};
  return stores.fetch_add(1, std::memory_order_relaxed) % 64 == 63;
}

// The unsigned integer of T's size, for an atomic access to T's bytes.
template <class T>
using Word = std::conditional_t<sizeof(T) == 1, std::uint8_t,
             std::conditional_t<sizeof(T) == 2, std::uint16_t, std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>>;

// Every element store and load is one relaxed atomic access when the element is naturally
// aligned (it always is but for 'q', 'Q' and 'd' on i686, which align them to 4): a memcpy of
// 8 bytes is two 4-byte accesses on armhf (ldrd/strd, not single-copy atomic without LPAE, and
// split by qemu-arm), where ci/foreign saw other processes read 1 in 45,000 'q' elements torn.
// On x86-64 a relaxed atomic access is the same plain move as the memcpy.
template <class T>
void put(void* dst, T v) {
  if (SHMCHECK_FAULT(store_dropped_sometimes) && store_dropped()) return;
  if (sizeof v == 8 && SHMCHECK_FAULT(torn_8_byte_stores)) return put_torn(dst, &v);
  if (reinterpret_cast<std::uintptr_t>(dst) % sizeof(T) != 0) return static_cast<void>(std::memcpy(dst, &v, sizeof v));
  Word<T> w;
  std::memcpy(&w, &v, sizeof v);
  __atomic_store_n(static_cast<Word<T>*>(dst), w, __ATOMIC_RELAXED);
}
template <class T>
T take(const void* src) {
  T v;
  if (reinterpret_cast<std::uintptr_t>(src) % sizeof(T) != 0) return std::memcpy(&v, src, sizeof v), v;
  const Word<T> w = __atomic_load_n(static_cast<const Word<T>*>(src), __ATOMIC_RELAXED);
  std::memcpy(&v, &w, sizeof v);
  return v;
}

// The bytes an integer element occupies (the stride of an array is tc.size regardless).
std::size_t stored_size(const Typecode& tc) { return SHMCHECK_FAULT(long_as_4_bytes) && tc.code == 'l' ? 4 : tc.size; }

void store_integer(const Typecode& tc, void* dst, Int v) {
  const Int w = SHMCHECK_FAULT(integer_saturates) ? std::clamp(v, tc.min, tc.max) : wrap(v, tc);
  switch (stored_size(tc)) {
    case 1: put(dst, static_cast<std::uint8_t>(w)); return;
    case 2: put(dst, static_cast<std::uint16_t>(w)); return;
    case 4: put(dst, static_cast<std::uint32_t>(w)); return;
    case 8: put(dst, static_cast<std::uint64_t>(w)); return;
  }
  throw RuntimeError("unsupported integer size " + std::to_string(tc.size));
}

Int load_integer(const Typecode& tc, const void* src) {
  Int u = 0;
  switch (stored_size(tc)) {
    case 1: u = take<std::uint8_t>(src); break;
    case 2: u = take<std::uint16_t>(src); break;
    case 4: u = take<std::uint32_t>(src); break;
    case 8: u = take<std::uint64_t>(src); break;
    default: throw RuntimeError("unsupported integer size " + std::to_string(tc.size));
  }
  return wrap(u, tc);  // sign-extends for signed codes
}

double to_double(const Item& v) {
  if (v.is_float()) return v.as_float();
  if (v.is_int()) return static_cast<double>(v.as_int());
  throw TypeError("must be real number, not " + std::string(v.type_name()));
}

// Python's repr of a bytes or str body: the quote is ' unless the text holds a ' and no ",
// backslash, the quote, \t, \n and \r get their short escapes, other control characters
// and DEL become \xhh. Above ASCII, bytes are \xhh; characters are escaped too (\xhh,
// \uhhhh, \Uhhhhhhhh), where Python would print the printable ones as they are.
template <class Text>
std::string quote_text(const Text& text) {
  bool single = false, dbl = false;
  for (auto c : text) {
    single = single || c == '\'';
    dbl = dbl || c == '"';
  }
  const char quote = single && !dbl ? '"' : '\'';
  std::string out(1, quote);
  for (auto ch : text) {
    const auto c = static_cast<std::uint32_t>(static_cast<std::make_unsigned_t<decltype(ch)>>(ch));
    if (c == '\\' || c == static_cast<std::uint32_t>(quote)) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[16];
      std::snprintf(buf, sizeof buf, c <= 0xff ? "\\x%02x" : c <= 0xffff ? "\\u%04x" : "\\U%08x", c);
      out += buf;
    }
  }
  return out + quote;
}

// Python's float repr: the shortest digits that round-trip, in fixed notation when the
// decimal exponent is in [-4, 16), else as d.ddde+XX (at least two exponent digits).
std::string float_repr(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[64];
  const auto end = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific).ptr;
  const std::string sci(buf, end);  // [-]d[.ddd]e(+|-)xx
  const bool negative = sci[0] == '-';
  const std::size_t e_pos = sci.find('e');
  std::string digits;
  for (std::size_t i = negative ? 1 : 0; i < e_pos; ++i)
    if (sci[i] != '.') digits += sci[i];
  const int exp = std::stoi(sci.substr(e_pos + 1));
  std::string out = negative ? "-" : "";
  if (exp < -4 || exp >= 16) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char e[16];
    std::snprintf(e, sizeof e, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    return out + e;
  }
  if (exp < 0) return out + "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
  const std::size_t int_digits = static_cast<std::size_t>(exp) + 1;
  if (digits.size() <= int_digits) return out + digits + std::string(int_digits - digits.size(), '0') + ".0";
  return out + digits.substr(0, int_digits) + "." + digits.substr(int_digits);
}

}  // namespace

std::string_view Item::type_name() const {
  switch (v_.index()) {
    case 0: return "NoneType";
    case 1: return "int";
    case 2: return "float";
    case 3: return "bytes";
    default: return "str";
  }
}

std::string Item::repr() const {
  if (is_none()) return "None";
  if (is_int()) return to_string(as_int());
  if (is_float()) return float_repr(as_float());
  if (is_bytes()) return "b" + quote_text(as_bytes());
  return quote_text(as_str());
}

std::ostream& operator<<(std::ostream& out, const Item& item) { return out << item.repr(); }

bool operator==(const Item& a, const Item& b) {
  if (a.v_.index() != b.v_.index()) return false;
  if (a.is_float()) {
    const double x = a.as_float(), y = b.as_float();
    return std::memcmp(&x, &y, sizeof x) == 0;
  }
  return a.v_ == b.v_;
}

void store_item(const Typecode& tc, void* dst, const Item& v) {
  switch (tc.kind) {
    case TypeKind::signed_int:
    case TypeKind::unsigned_int:
      if (!v.is_int()) not_an_integer(v);
      store_integer(tc, dst, v.as_int());
      return;
    case TypeKind::floating: {
      const double d = to_double(v);
      // 'f' rounds to float32; beyond its range the result is inf, silently, as ctypes.
      if (tc.size == sizeof(float) && !SHMCHECK_FAULT(float_as_double)) put(dst, static_cast<float>(d));
      else put(dst, d);
      return;
    }
    case TypeKind::bytes_char: {
      // c_char takes a 1-byte bytes object or an int in 0..255.
      if (v.is_bytes() && v.as_bytes().size() == 1) {
        put(dst, v.as_bytes()[0]);
        return;
      }
      if (v.is_int() && v.as_int() >= 0 && v.as_int() <= 255) {
        put(dst, static_cast<unsigned char>(v.as_int()));
        return;
      }
      throw TypeError("one character bytes, bytearray or integer expected");
    }
    case TypeKind::wide_char: {
      if (!v.is_str()) throw TypeError("unicode string expected instead of " + std::string(v.type_name()) + " instance");
      const auto& s = v.as_str();
      // One wchar_t: one code point where wchar_t is UTF-32; on a 2-byte wchar_t (Windows),
      // a character outside the BMP would need two units and is refused.
      if (s.size() != 1 || static_cast<Int>(s[0]) > tc.max) throw TypeError("one character unicode string expected");
      put(dst, static_cast<wchar_t>(s[0]));
      return;
    }
  }
}

Item load_item(const Typecode& tc, const void* src) {
  switch (tc.kind) {
    case TypeKind::signed_int:
    case TypeKind::unsigned_int:
      return Item(load_integer(tc, src));
    case TypeKind::floating:
      if (tc.size == sizeof(float) && !SHMCHECK_FAULT(float_as_double)) return Item(static_cast<double>(take<float>(src)));
      return Item(take<double>(src));
    case TypeKind::bytes_char:
      return Item::bytes(std::string(1, take<char>(src)));
    case TypeKind::wide_char:
      return Item::str(std::u32string(1, static_cast<char32_t>(take<wchar_t>(src))));
  }
  return Item();
}

Item zero_item(const Typecode& tc) {
  const unsigned char zeros[16] = {};
  return load_item(tc, zeros);
}

}  // namespace shmcheck
