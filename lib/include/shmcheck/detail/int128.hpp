#pragma once
// Int and UInt: the reference's 128-bit integers (typecode ranges, Python-style wrapping of
// an int into a C type, the protocol's big ints). Where the compiler has __int128 (GCC and
// Clang on every 64-bit target) they are the built-in types: that is the fast path the host
// runs. Where it has not (GCC on i686 and armhf, MSVC) they are Int128 and UInt128 below: two
// 64-bit words in two's complement, with the operations the reference uses and no more. This
// header is the one place that chooses; the rest of the code names only Int and UInt.
//
// The portable types behave as the built-in ones wherever those are defined; where the
// built-in ones are undefined (signed overflow, division by zero, shifts by 128 or more, a
// double out of range or NaN) the portable ones wrap or give 0 instead of trapping.
// SHMCHECK_PORTABLE_INT128 (CMake option of the same name) forces the portable types on a
// compiler that has __int128, so that the host can run every test with them.

#include <bit>
#include <cmath>
#include <compare>
#include <concepts>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace shmcheck {
namespace detail {

// Unsigned arithmetic on two 64-bit words: the core both portable types share (the signed
// one differs only in comparison, >>, division's signs and conversion to double).
struct Words {
  std::uint64_t hi = 0, lo = 0;
  friend constexpr bool operator==(Words, Words) noexcept = default;
  friend constexpr std::strong_ordering operator<=>(Words a, Words b) noexcept {
    return a.hi != b.hi ? a.hi <=> b.hi : a.lo <=> b.lo;
  }
};

constexpr Words add(Words a, Words b) noexcept {
  const std::uint64_t lo = a.lo + b.lo;
  return {a.hi + b.hi + (lo < a.lo ? 1 : 0), lo};
}
constexpr Words sub(Words a, Words b) noexcept { return {a.hi - b.hi - (a.lo < b.lo ? 1 : 0), a.lo - b.lo}; }
constexpr Words negate(Words a) noexcept { return add({~a.hi, ~a.lo}, {0, 1}); }
constexpr Words shl(Words a, int n) noexcept {
  if (n <= 0) return a;
  if (n >= 128) return {};
  if (n >= 64) return {a.lo << (n - 64), 0};
  return {(a.hi << n) | (a.lo >> (64 - n)), a.lo << n};
}
// `fill` is what enters from the top: 0, or all ones for an arithmetic shift of a negative.
constexpr Words shr(Words a, int n, std::uint64_t fill) noexcept {
  if (n <= 0) return a;
  if (n >= 128) return {fill, fill};
  if (n == 64) return {fill, a.hi};
  if (n > 64) return {fill, (a.hi >> (n - 64)) | (fill << (128 - n))};
  return {(a.hi >> n) | (fill << (64 - n)), (a.lo >> n) | (a.hi << (64 - n))};
}
// The low 128 bits of a product (the same for signed and unsigned operands), from 32-bit
// halves: there is no wider type to lean on.
constexpr Words mul(Words a, Words b) noexcept {
  const std::uint64_t a0 = a.lo & 0xffffffff, a1 = a.lo >> 32, b0 = b.lo & 0xffffffff, b1 = b.lo >> 32;
  const std::uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const std::uint64_t mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  const std::uint64_t hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  return {hi + a.hi * b.lo + a.lo * b.hi, (mid << 32) | (p00 & 0xffffffff)};
}
constexpr int bit_width(Words v) noexcept {
  return v.hi != 0 ? 128 - std::countl_zero(v.hi) : 64 - std::countl_zero(v.lo);
}
struct QuotientRemainder {
  Words q, r;
};
// Unsigned division. A zero divisor is undefined for __int128; here it gives an all-ones
// quotient and the dividend as remainder.
constexpr QuotientRemainder divmod(Words n, Words d) noexcept {
  if (d == Words{}) return {{~std::uint64_t{0}, ~std::uint64_t{0}}, n};
  if (n.hi == 0 && d.hi == 0) return {{0, n.lo / d.lo}, {0, n.lo % d.lo}};
  if (d > n) return {{}, n};
  if (d.hi == 0 && d.lo <= 0xffffffff) {
    // Schoolbook in base 2^32: every partial remainder stays below 2^64 (to_string's / 10).
    const std::uint64_t digits[4] = {n.hi >> 32, n.hi & 0xffffffff, n.lo >> 32, n.lo & 0xffffffff};
    std::uint64_t r = 0, q[4] = {};
    for (int i = 0; i < 4; ++i) {
      const std::uint64_t cur = (r << 32) | digits[i];
      q[i] = cur / d.lo;
      r = cur % d.lo;
    }
    return {{(q[0] << 32) | q[1], (q[2] << 32) | q[3]}, {0, r}};
  }
  // Shift and subtract, one quotient bit per step, from the divisor aligned with n's top bit.
  const int width = bit_width(n) - bit_width(d);
  Words q, r = n, s = shl(d, width);
  for (int i = width; i >= 0; --i, s = shr(s, 1, 0)) {
    if (r >= s) {
      r = sub(r, s);
      q = {q.hi | shl({0, 1}, i).hi, q.lo | shl({0, 1}, i).lo};
    }
  }
  return {q, r};
}
// Rounded to nearest, ties to even, as the built-in conversion.
inline double to_double(Words mag) noexcept {
  if (mag.hi == 0) return static_cast<double>(mag.lo);
  // The top 64 bits, with every bit below them folded into the lowest one ("sticky"): the
  // 64-bit value then rounds to 53 bits exactly as the whole 128-bit value would.
  const int shift = 64 - std::countl_zero(mag.hi);  // 1..64
  std::uint64_t top = shr(mag, shift, 0).lo;
  if (shl(mag, 128 - shift) != Words{}) top |= 1;
  return std::ldexp(static_cast<double>(top), shift);
}
// Truncated toward zero; NaN and magnitudes of 2^128 or more (undefined for __int128) give 0.
inline Words from_double_magnitude(double d) noexcept {
  constexpr double two64 = 18446744073709551616.0;
  const double t = std::trunc(std::fabs(d));
  if (!(t < two64 * two64)) return {};
  if (t < two64) return {0, static_cast<std::uint64_t>(t)};
  int e = 0;
  const double f = std::frexp(t, &e);  // t = f * 2^e, f in [0.5, 1), e in 65..128
  return shl({0, static_cast<std::uint64_t>(std::ldexp(f, 64))}, e - 64);  // exact: 53 bits
}

template <bool Signed>
class BasicInt128 {
 public:
  constexpr BasicInt128() noexcept = default;
  // From any integer type, sign-extended or zero-extended as the built-in conversion does.
  template <std::integral T>
  constexpr BasicInt128(T v) noexcept : w_{0, static_cast<std::uint64_t>(v)} {  // NOLINT: implicit like __int128
    if constexpr (std::is_signed_v<T>)
      if (v < 0) w_.hi = ~std::uint64_t{0};
  }
  // Between the signed and the unsigned type: the same 128 bits, as static_cast does.
  template <bool S>
  explicit constexpr BasicInt128(BasicInt128<S> o) noexcept : w_(o.words()) {}
  // From a double, truncated toward zero. Explicit: Int + 1.5 is a compile error, where the
  // built-in type would quietly compute in double.
  explicit BasicInt128(double d) noexcept : w_(from_double_magnitude(d)) {
    if (d < 0) w_ = negate(w_);
  }
  static constexpr BasicInt128 from_words(std::uint64_t hi, std::uint64_t lo) noexcept { return BasicInt128(Words{hi, lo}); }

  constexpr Words words() const noexcept { return w_; }
  constexpr std::uint64_t hi() const noexcept { return w_.hi; }
  constexpr std::uint64_t lo() const noexcept { return w_.lo; }

  // To an integer type: the low bits (modulo 2^bits, as the built-in conversion); to bool: != 0.
  template <std::integral T>
  explicit constexpr operator T() const noexcept {
    if constexpr (std::is_same_v<T, bool>) return w_ != Words{};
    else return static_cast<T>(w_.lo);
  }
  explicit operator double() const noexcept {
    return negative() ? -to_double(negate(w_)) : to_double(w_);
  }
  // Through double it would round twice; nothing needs it.
  explicit operator float() const = delete;

  friend constexpr bool operator==(BasicInt128 a, BasicInt128 b) noexcept = default;
  friend constexpr std::strong_ordering operator<=>(BasicInt128 a, BasicInt128 b) noexcept {
    if constexpr (Signed)
      if (a.w_.hi != b.w_.hi) return static_cast<std::int64_t>(a.w_.hi) <=> static_cast<std::int64_t>(b.w_.hi);
    return a.w_ <=> b.w_;
  }

  friend constexpr BasicInt128 operator~(BasicInt128 a) noexcept { return BasicInt128(Words{~a.w_.hi, ~a.w_.lo}); }
  friend constexpr BasicInt128 operator-(BasicInt128 a) noexcept { return BasicInt128(negate(a.w_)); }
  friend constexpr BasicInt128 operator+(BasicInt128 a) noexcept { return a; }
  friend constexpr BasicInt128 operator&(BasicInt128 a, BasicInt128 b) noexcept {
    return BasicInt128(Words{a.w_.hi & b.w_.hi, a.w_.lo & b.w_.lo});
  }
  friend constexpr BasicInt128 operator|(BasicInt128 a, BasicInt128 b) noexcept {
    return BasicInt128(Words{a.w_.hi | b.w_.hi, a.w_.lo | b.w_.lo});
  }
  friend constexpr BasicInt128 operator+(BasicInt128 a, BasicInt128 b) noexcept { return BasicInt128(add(a.w_, b.w_)); }
  friend constexpr BasicInt128 operator-(BasicInt128 a, BasicInt128 b) noexcept { return BasicInt128(sub(a.w_, b.w_)); }
  friend constexpr BasicInt128 operator*(BasicInt128 a, BasicInt128 b) noexcept { return BasicInt128(mul(a.w_, b.w_)); }
  // The signed type truncates toward zero and gives the remainder the dividend's sign, as C++.
  friend constexpr BasicInt128 operator/(BasicInt128 a, BasicInt128 b) noexcept {
    const Words q = divmod(a.magnitude(), b.magnitude()).q;
    return BasicInt128(a.negative() != b.negative() ? negate(q) : q);
  }
  friend constexpr BasicInt128 operator%(BasicInt128 a, BasicInt128 b) noexcept {
    const Words r = divmod(a.magnitude(), b.magnitude()).r;
    return BasicInt128(a.negative() ? negate(r) : r);
  }
  // Shifts take the count as an int, as the built-in ones convert theirs; >> of the signed
  // type is arithmetic (the sign fills in), as GCC's __int128 and C++20.
  friend constexpr BasicInt128 operator<<(BasicInt128 a, int n) noexcept { return BasicInt128(shl(a.w_, n)); }
  friend constexpr BasicInt128 operator>>(BasicInt128 a, int n) noexcept {
    return BasicInt128(shr(a.w_, n, a.negative() ? ~std::uint64_t{0} : 0));
  }

  constexpr BasicInt128& operator+=(BasicInt128 b) noexcept { return *this = *this + b; }
  constexpr BasicInt128& operator-=(BasicInt128 b) noexcept { return *this = *this - b; }
  constexpr BasicInt128& operator*=(BasicInt128 b) noexcept { return *this = *this * b; }
  constexpr BasicInt128& operator/=(BasicInt128 b) noexcept { return *this = *this / b; }
  constexpr BasicInt128& operator%=(BasicInt128 b) noexcept { return *this = *this % b; }
  constexpr BasicInt128& operator&=(BasicInt128 b) noexcept { return *this = *this & b; }
  constexpr BasicInt128& operator|=(BasicInt128 b) noexcept { return *this = *this | b; }
  constexpr BasicInt128& operator<<=(int n) noexcept { return *this = *this << n; }
  constexpr BasicInt128& operator>>=(int n) noexcept { return *this = *this >> n; }

 private:
  explicit constexpr BasicInt128(Words w) noexcept : w_(w) {}
  constexpr bool negative() const noexcept { return Signed && static_cast<std::int64_t>(w_.hi) < 0; }
  constexpr Words magnitude() const noexcept { return negative() ? negate(w_) : w_; }

  Words w_;
};

using Int128 = BasicInt128<true>;
using UInt128 = BasicInt128<false>;

}  // namespace detail

#if defined(__SIZEOF_INT128__) && !defined(SHMCHECK_PORTABLE_INT128)
__extension__ using Int = __int128;            // wide enough for every typecode's range and for
__extension__ using UInt = unsigned __int128;  //   Python-style wrapping (modulo 2^bits)
#else
using Int = detail::Int128;
using UInt = detail::UInt128;
#endif

}  // namespace shmcheck

// The portable types are integers to generic code (std::clamp needs only <, but tests and
// the protocol ask numeric_limits for the extremes).
namespace std {
template <bool Signed>
struct numeric_limits<shmcheck::detail::BasicInt128<Signed>> {
 private:
  using T = shmcheck::detail::BasicInt128<Signed>;

 public:
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = Signed;
  static constexpr bool is_integer = true;
  static constexpr bool is_exact = true;
  static constexpr bool is_bounded = true;
  static constexpr bool is_modulo = true;
  static constexpr int radix = 2;
  static constexpr int digits = Signed ? 127 : 128;
  static constexpr int digits10 = 38;
  static constexpr T min() noexcept { return Signed ? T::from_words(std::uint64_t{1} << 63, 0) : T(); }
  static constexpr T lowest() noexcept { return min(); }
  static constexpr T max() noexcept {
    return Signed ? T::from_words(~std::uint64_t{0} >> 1, ~std::uint64_t{0}) : T::from_words(~std::uint64_t{0}, ~std::uint64_t{0});
  }
};
}  // namespace std
