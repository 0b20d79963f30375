// The portable Int128/UInt128 (detail/int128.hpp) against the compiler's __int128, operation
// by operation, on edge values and on a seeded random sample; and the library's uses of Int
// (wrap() of every typecode, to_string, the double conversion of a store) against the same
// computations done in __int128. The second group means something only in a build with
// SHMCHECK_PORTABLE_INT128 (Int is then the portable type on a compiler that has __int128);
// in a default host build it checks the built-in Int against itself, cheaply. Where the
// compiler has no __int128 (i686, armhf) there is nothing to compare with: the tests say so
// (test_int128_vectors.cpp checks those ABIs against known answers instead).
#include <shmcheck/detail/int128.hpp>
#include <shmcheck/item.hpp>
#include <shmcheck/typecode.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

using shmcheck::detail::Int128;
using shmcheck::detail::UInt128;

#if defined(__SIZEOF_INT128__)

namespace {

__extension__ using N = __int128;
__extension__ using NU = unsigned __int128;

N native(Int128 x) { return static_cast<N>((static_cast<NU>(x.hi()) << 64) | x.lo()); }
NU native(UInt128 x) { return (static_cast<NU>(x.hi()) << 64) | x.lo(); }
[[maybe_unused]] N native(N x) { return x; }  // the build's Int when it is the built-in type
Int128 portable(N v) { return Int128::from_words(static_cast<std::uint64_t>(static_cast<NU>(v) >> 64), static_cast<std::uint64_t>(v)); }
UInt128 portable_u(NU v) { return UInt128::from_words(static_cast<std::uint64_t>(v >> 64), static_cast<std::uint64_t>(v)); }
// The build's Int from a built-in value, whichever type Int is.
template <class I = shmcheck::Int>
I build_int(N v) {
  if constexpr (std::is_same_v<I, N>) return v;
  else return I(portable(v));
}

std::string hex(N v) {
  const auto u = static_cast<NU>(v);
  char buf[40];
  std::snprintf(buf, sizeof buf, "0x%016llx%016llx", static_cast<unsigned long long>(u >> 64), static_cast<unsigned long long>(u));
  return buf;
}
std::string decimal(N v) {  // the oracle: digits by built-in division
  if (v == 0) return "0";
  NU mag = v < 0 ? NU(0) - static_cast<NU>(v) : static_cast<NU>(v);
  std::string digits;
  for (; mag != 0; mag /= 10) digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(mag % 10)));
  return v < 0 ? "-" + digits : digits;
}

constexpr N kMax = static_cast<N>(~NU(0) >> 1);
constexpr N kMin = -kMax - 1;

// Edges: 0, +-1, around every power of two, the extremes, powers of ten (to_string's steps).
std::vector<N> edges() {
  std::vector<N> v{0, 1, -1, kMax, kMin, kMax - 1, kMin + 1, 10, -10};
  for (int k = 1; k < 127; ++k)
    for (N d : {N(-1), N(0), N(1)}) v.insert(v.end(), {(N(1) << k) + d, -(N(1) << k) + d});
  N p = 1;
  for (int k = 0; k <= 38; ++k, p *= 10) v.insert(v.end(), {p, -p, p - 1, 1 - p});
  return v;
}
// Random values of every width: a random bit count, sign and pattern.
std::vector<N> sample(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<N> v;
  for (std::size_t i = 0; i < count; ++i) {
    const NU raw = (static_cast<NU>(rng()) << 64) | rng();
    const int bits = static_cast<int>(rng() % 129);
    NU x = bits == 128 ? raw : raw & ((NU(1) << bits) - 1);
    v.push_back(rng() % 2 ? static_cast<N>(x) : -static_cast<N>(x));
  }
  return v;
}

constexpr std::uint64_t kSeed = 16;  // fixed: a failure is reproducible from its printed operands

void check_pair(N a, N b) {
  const Int128 pa = portable(a), pb = portable(b);
  const NU ua = static_cast<NU>(a), ub = static_cast<NU>(b);
  const UInt128 qa = portable_u(ua), qb = portable_u(ub);
  const std::string both = "a=" + hex(a) + " b=" + hex(b);
  // Signed overflow of the built-in type is undefined: compute its expectation unsigned.
  ASSERT_EQ(native(pa + pb), static_cast<N>(ua + ub)) << both;
  ASSERT_EQ(native(pa - pb), static_cast<N>(ua - ub)) << both;
  ASSERT_EQ(native(pa * pb), static_cast<N>(ua * ub)) << both;
  ASSERT_EQ(native(pa & pb), a & b) << both;
  ASSERT_EQ(native(pa | pb), a | b) << both;
  ASSERT_EQ(native(qa * qb), ua * ub) << both;
  if (b != 0) {
    ASSERT_EQ(native(qa / qb), ua / ub) << both;
    ASSERT_EQ(native(qa % qb), ua % ub) << both;
    if (!(a == kMin && b == -1)) {
      ASSERT_EQ(native(pa / pb), a / b) << both;
      ASSERT_EQ(native(pa % pb), a % b) << both;
    }
  }
  ASSERT_EQ(pa < pb, a < b) << both;
  ASSERT_EQ(pa <= pb, a <= b) << both;
  ASSERT_EQ(pa > pb, a > b) << both;
  ASSERT_EQ(pa >= pb, a >= b) << both;
  ASSERT_EQ(pa == pb, a == b) << both;
  ASSERT_EQ(pa != pb, a != b) << both;
  ASSERT_EQ(qa < qb, ua < ub) << both;
  ASSERT_EQ(qa >= qb, ua >= ub) << both;
  ASSERT_EQ(native(std::clamp(pa, std::min(pa, pb), std::max(pa, pb))), a) << both;
}

void check_one(N a, int shift) {
  const Int128 pa = portable(a);
  const NU ua = static_cast<NU>(a);
  const std::string shown = "a=" + hex(a) + " n=" + std::to_string(shift);
  ASSERT_EQ(native(-pa), static_cast<N>(NU(0) - ua)) << shown;
  ASSERT_EQ(native(~pa), ~a) << shown;
  ASSERT_EQ(native(pa << shift), static_cast<N>(ua << shift)) << shown;
  ASSERT_EQ(native(pa >> shift), a >> shift) << shown;
  ASSERT_EQ(native(portable_u(ua) >> shift), ua >> shift) << shown;
  ASSERT_EQ(native(UInt128(pa)), ua) << shown;
  ASSERT_EQ(native(Int128(portable_u(ua))), a) << shown;
  // To every integer type: the low bits, as the built-in conversion.
  ASSERT_EQ(static_cast<std::int8_t>(pa), static_cast<std::int8_t>(a)) << shown;
  ASSERT_EQ(static_cast<std::uint16_t>(pa), static_cast<std::uint16_t>(a)) << shown;
  ASSERT_EQ(static_cast<int>(pa), static_cast<int>(a)) << shown;
  ASSERT_EQ(static_cast<unsigned long>(pa), static_cast<unsigned long>(a)) << shown;
  ASSERT_EQ(static_cast<long long>(pa), static_cast<long long>(a)) << shown;
  ASSERT_EQ(static_cast<wchar_t>(pa), static_cast<wchar_t>(a)) << shown;
  ASSERT_EQ(static_cast<char32_t>(pa), static_cast<char32_t>(a)) << shown;
  ASSERT_EQ(static_cast<bool>(pa), static_cast<bool>(a)) << shown;
  // To double: bit for bit what the built-in conversion rounds to.
  const double d = static_cast<double>(pa), e = static_cast<double>(a);
  ASSERT_EQ(std::memcmp(&d, &e, sizeof d), 0) << shown << ": " << d << " vs " << e;
  const double du = static_cast<double>(portable_u(ua)), eu = static_cast<double>(ua);
  ASSERT_EQ(std::memcmp(&du, &eu, sizeof du), 0) << shown;
  // Back from that double (it is an integer below 2^127 in magnitude, or exactly 2^127).
  if (std::fabs(e) < 1.7e38) {
    ASSERT_EQ(native(Int128(e)), static_cast<N>(e)) << shown;
  }
}

}  // namespace

TEST(Int128, EveryOperationOnEdgeValuesAgreesWithInt128) {
  const auto v = edges();
  for (N a : v)
    for (N b : v) ASSERT_NO_FATAL_FAILURE(check_pair(a, b));
  for (N a : v)
    for (int n = 0; n < 128; ++n) ASSERT_NO_FATAL_FAILURE(check_one(a, n));
}

TEST(Int128, EveryOperationOnRandomValuesAgreesWithInt128) {
  const auto v = sample(40000, kSeed);
  for (std::size_t i = 0; i + 1 < v.size(); i += 2) ASSERT_NO_FATAL_FAILURE(check_pair(v[i], v[i + 1]));
  for (std::size_t i = 0; i < v.size(); ++i) ASSERT_NO_FATAL_FAILURE(check_one(v[i], static_cast<int>(i % 128)));
}

TEST(Int128, FromEveryIntegerTypeAgreesWithInt128) {
  std::mt19937_64 rng(kSeed);
  for (int i = 0; i < 2000; ++i) {
    const std::uint64_t r = i < 2 ? (i == 0 ? 0 : ~0ull) : rng();
    ASSERT_EQ(native(Int128(static_cast<signed char>(r))), N(static_cast<signed char>(r)));
    ASSERT_EQ(native(Int128(static_cast<unsigned char>(r))), N(static_cast<unsigned char>(r)));
    ASSERT_EQ(native(Int128(static_cast<short>(r))), N(static_cast<short>(r)));
    ASSERT_EQ(native(Int128(static_cast<int>(r))), N(static_cast<int>(r)));
    ASSERT_EQ(native(Int128(static_cast<unsigned>(r))), N(static_cast<unsigned>(r)));
    ASSERT_EQ(native(Int128(static_cast<long>(r))), N(static_cast<long>(r)));
    ASSERT_EQ(native(Int128(static_cast<unsigned long>(r))), N(static_cast<unsigned long>(r)));
    ASSERT_EQ(native(Int128(static_cast<long long>(r))), N(static_cast<long long>(r)));
    ASSERT_EQ(native(Int128(static_cast<wchar_t>(r))), N(static_cast<wchar_t>(r)));
    ASSERT_EQ(native(Int128(static_cast<char>(r))), N(static_cast<char>(r)));
    ASSERT_EQ(native(UInt128(static_cast<long long>(r))), static_cast<NU>(static_cast<long long>(r)));
  }
}

TEST(Int128, FromDoubleTruncatesAsInt128) {
  std::mt19937_64 rng(kSeed);
  std::uniform_real_distribution<double> exponent(-2, 126.9);
  for (int i = 0; i < 20000; ++i) {
    const double m = std::ldexp(1.0, static_cast<int>(exponent(rng))) * (1 + std::generate_canonical<double, 53>(rng));
    const double d = rng() % 2 ? m : -m;
    if (!(std::fabs(d) < 1.7e38)) continue;
    ASSERT_EQ(native(Int128(d)), static_cast<N>(d)) << d;
  }
}

TEST(Int128, NumericLimitsAreInt128s) {
  EXPECT_EQ(native(std::numeric_limits<Int128>::max()), kMax);
  EXPECT_EQ(native(std::numeric_limits<Int128>::min()), kMin);
  EXPECT_EQ(native(std::numeric_limits<UInt128>::max()), ~NU(0));
  EXPECT_EQ(native(std::numeric_limits<UInt128>::min()), NU(0));
}

// The library's own uses, with the build's Int (the portable one under SHMCHECK_PORTABLE_INT128).
TEST(Int128Library, WrapOfEveryTypecodeAgreesWithInt128) {
  std::vector<N> v = edges();
  const auto more = sample(20000, kSeed + 1);
  v.insert(v.end(), more.begin(), more.end());
  int codes = 0;
  for (const shmcheck::Typecode& tc : shmcheck::typecodes()) {
    if (!tc.is_integer()) continue;
    ++codes;
    const int bits = static_cast<int>(tc.bits());
    const N m = N(1) << bits;
    unsigned char buf[16] = {};
    for (N x : v) {
      // Python's int -> C integer: modulo 2^bits into [0, 2^bits), then the upper half down.
      N expected = x % m;
      if (expected < 0) expected += m;
      if (tc.is_signed && expected >= m / 2) expected -= m;
      shmcheck::store_item(tc, buf, shmcheck::Item(build_int(x)));
      ASSERT_EQ(native(shmcheck::load_item(tc, buf).as_int()), expected) << tc.code << " " << hex(x);
    }
  }
  EXPECT_EQ(codes, 10);
}

TEST(Int128Library, FloatStoreOfAnIntRoundsAsInt128) {
  const auto v = sample(20000, kSeed + 2);
  unsigned char buf[8] = {};
  for (N x : v) {
    shmcheck::store_item(shmcheck::typecode('d'), buf, shmcheck::Item(build_int(x)));
    const double got = shmcheck::load_item(shmcheck::typecode('d'), buf).as_float(), want = static_cast<double>(x);
    ASSERT_EQ(std::memcmp(&got, &want, sizeof got), 0) << hex(x);
  }
}

TEST(Int128Library, ToStringAgreesWithInt128) {
  std::vector<N> v = edges();
  const auto more = sample(20000, kSeed + 3);
  v.insert(v.end(), more.begin(), more.end());
  for (N x : v) ASSERT_EQ(shmcheck::to_string(build_int(x)), decimal(x)) << hex(x);
}

#else  // no __int128 to compare with

TEST(Int128, EveryOperationOnEdgeValuesAgreesWithInt128) {
  GTEST_SKIP() << "unsupported: this compiler has no __int128 to compare the portable type with "
                  "(the host build compares them; test_int128_vectors.cpp checks this ABI against known answers)";
}

#endif
