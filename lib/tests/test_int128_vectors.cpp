// The 128-bit integers against known answers computed by Python (support/int128_vectors.py):
// runs on every ABI, for the portable Int128/UInt128 and for the build's Int/UInt (the same
// types where the compiler has no __int128, the built-in ones elsewhere). The differential
// test against __int128 (test_int128.cpp) needs a compiler that has it; this one does not.
#include <shmcheck/detail/int128.hpp>
#include <shmcheck/typecode.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <ostream>
#include <string>
#include <type_traits>

namespace {

struct W {  // a 128-bit value as two words
  std::uint64_t hi, lo;
};
struct Row {
  W a, b, sum, difference, product, quotient, remainder, uquotient, uremainder;
};
struct ShiftRow {
  W a;
  int n;
  W left, right, uright;
};
struct ToDoubleRow {
  W v;
  double d;
};
struct FromDoubleRow {
  double d;
  W v;
};
struct TextRow {
  W v;
  const char* text;
};

#include "support/int128_vectors.inc"

// Built and taken apart with operations both kinds of type have.
template <class I, class U>
I make(W w) {
  return static_cast<I>((static_cast<U>(w.hi) << 64) | static_cast<U>(w.lo));
}
template <class I, class U>
W words(I v) {
  return {static_cast<std::uint64_t>(static_cast<U>(v) >> 64), static_cast<std::uint64_t>(v)};
}
std::string hex(W w) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(w.hi), static_cast<unsigned long long>(w.lo));
  return buf;
}
bool operator==(W x, W y) { return x.hi == y.hi && x.lo == y.lo; }
std::ostream& operator<<(std::ostream& out, W w) { return out << "0x" << hex(w); }

template <class Pair>
class Int128Vectors : public ::testing::Test {};
template <class I, class U>
struct Types {
  using S = I;
  using Un = U;
};
using Both = ::testing::Types<Types<shmcheck::detail::Int128, shmcheck::detail::UInt128>, Types<shmcheck::Int, shmcheck::UInt>>;
class Names {
 public:
  template <class T>
  static std::string GetName(int i) {
    return i == 0 ? "portable" : std::is_same_v<typename T::S, shmcheck::detail::Int128> ? "build_int_is_portable" : "build_int_is_builtin";
  }
};
TYPED_TEST_SUITE(Int128Vectors, Both, Names);

TYPED_TEST(Int128Vectors, Arithmetic) {
  using I = typename TypeParam::S;
  using U = typename TypeParam::Un;
  for (const Row& r : kArithmetic) {
    const I a = make<I, U>(r.a), b = make<I, U>(r.b);
    const U ua = static_cast<U>(a), ub = static_cast<U>(b);
    const std::string both = "a=" + hex(r.a) + " b=" + hex(r.b);
    EXPECT_EQ((words<I, U>(a + b)), r.sum) << both;
    EXPECT_EQ((words<I, U>(a - b)), r.difference) << both;
    EXPECT_EQ((words<I, U>(a * b)), r.product) << both;
    EXPECT_EQ((words<I, U>(a / b)), r.quotient) << both;
    EXPECT_EQ((words<I, U>(a % b)), r.remainder) << both;
    EXPECT_EQ((words<U, U>(ua / ub)), r.uquotient) << both;
    EXPECT_EQ((words<U, U>(ua % ub)), r.uremainder) << both;
    EXPECT_EQ((words<I, U>(-a)), (words<I, U>(I(0) - a))) << both;
    EXPECT_EQ((words<I, U>(~a)), (words<I, U>(I(-1) - a))) << both;
    // Compound assignment does what the operator does.
    I c = a;
    c *= b;
    c += a;
    c -= b;
    EXPECT_EQ((words<I, U>(c)), (words<I, U>(a * b + a - b))) << both;
    // Order: signed as the values, unsigned as the bit patterns.
    const bool signed_less = static_cast<std::int64_t>(r.a.hi) != static_cast<std::int64_t>(r.b.hi)
                                 ? static_cast<std::int64_t>(r.a.hi) < static_cast<std::int64_t>(r.b.hi)
                                 : r.a.lo < r.b.lo;
    const bool unsigned_less = r.a.hi != r.b.hi ? r.a.hi < r.b.hi : r.a.lo < r.b.lo;
    EXPECT_EQ(a < b, signed_less) << both;
    EXPECT_EQ(ua < ub, unsigned_less) << both;
    EXPECT_EQ(a == b, r.a == r.b) << both;
    EXPECT_EQ((words<I, U>(std::clamp(a, std::min(a, b), std::max(a, b)))), r.a) << both;
  }
}

TYPED_TEST(Int128Vectors, Shifts) {
  using I = typename TypeParam::S;
  using U = typename TypeParam::Un;
  for (const ShiftRow& r : kShifts) {
    const I a = make<I, U>(r.a);
    const std::string shown = "a=" + hex(r.a) + " n=" + std::to_string(r.n);
    EXPECT_EQ((words<I, U>(a << r.n)), r.left) << shown;
    EXPECT_EQ((words<I, U>(a >> r.n)), r.right) << shown;
    EXPECT_EQ((words<U, U>(static_cast<U>(a) >> r.n)), r.uright) << shown;
  }
}

TYPED_TEST(Int128Vectors, Doubles) {
  using I = typename TypeParam::S;
  using U = typename TypeParam::Un;
  for (const ToDoubleRow& r : kToDouble) {
    const double d = static_cast<double>(make<I, U>(r.v));
    EXPECT_EQ(std::memcmp(&d, &r.d, sizeof d), 0) << hex(r.v) << ": " << d << " != " << r.d;
  }
  for (const FromDoubleRow& r : kFromDouble) EXPECT_EQ((words<I, U>(static_cast<I>(r.d))), r.v) << r.d;
}

TYPED_TEST(Int128Vectors, FromEveryIntegerType) {
  using I = typename TypeParam::S;
  using U = typename TypeParam::Un;
  const W minus_one{~0ull, ~0ull};
  EXPECT_EQ((words<I, U>(I(static_cast<signed char>(-1)))), minus_one);
  EXPECT_EQ((words<I, U>(I(static_cast<short>(-1)))), minus_one);
  EXPECT_EQ((words<I, U>(I(-1))), minus_one);
  EXPECT_EQ((words<I, U>(I(-1L))), minus_one);
  EXPECT_EQ((words<I, U>(I(-1LL))), minus_one);
  EXPECT_EQ((words<I, U>(I(static_cast<unsigned char>(255)))), (W{0, 255}));
  EXPECT_EQ((words<I, U>(I(static_cast<unsigned short>(65535)))), (W{0, 65535}));
  EXPECT_EQ((words<I, U>(I(~0u))), (W{0, 0xffffffffull}));
  EXPECT_EQ((words<I, U>(I(~0ul))), (W{0, static_cast<std::uint64_t>(~0ul)}));
  EXPECT_EQ((words<I, U>(I(~0ull))), (W{0, ~0ull}));
  EXPECT_EQ((words<I, U>(I(U'\U0010FFFF'))), (W{0, 0x10FFFF}));
  EXPECT_EQ((words<I, U>(I(true))), (W{0, 1}));
  // wchar_t is signed on x86 and unsigned on arm: its minimum says which.
  const I wmin = I(std::numeric_limits<wchar_t>::min());
  EXPECT_EQ(wmin < I(0), std::numeric_limits<wchar_t>::is_signed);
  // And back: the low bits, modulo the target's width.
  const I big = make<I, U>(W{0x0123456789abcdefull, 0xfedcba9876543210ull});
  EXPECT_EQ(static_cast<std::uint8_t>(big), 0x10);
  EXPECT_EQ(static_cast<std::int16_t>(big), 0x3210);
  EXPECT_EQ(static_cast<std::int32_t>(big), static_cast<std::int32_t>(0x76543210));
  EXPECT_EQ(static_cast<std::uint64_t>(big), 0xfedcba9876543210ull);
  EXPECT_EQ(static_cast<std::int64_t>(big), static_cast<std::int64_t>(0xfedcba9876543210ull));
  EXPECT_TRUE(static_cast<bool>(make<I, U>(W{1, 0})));  // only the high word set: still true
  EXPECT_FALSE(static_cast<bool>(I(0)));
}

TYPED_TEST(Int128Vectors, Limits) {
  using I = typename TypeParam::S;
  using U = typename TypeParam::Un;
  EXPECT_EQ((words<I, U>(std::numeric_limits<I>::max())), (W{0x7fffffffffffffffull, ~0ull}));
  EXPECT_EQ((words<I, U>(std::numeric_limits<I>::min())), (W{0x8000000000000000ull, 0}));
  EXPECT_EQ((words<U, U>(std::numeric_limits<U>::max())), (W{~0ull, ~0ull}));
  EXPECT_TRUE(std::numeric_limits<I>::is_signed);
  EXPECT_FALSE(std::numeric_limits<U>::is_signed);
  EXPECT_EQ(std::numeric_limits<I>::digits, 127);
}

// The build's to_string (lib/src/typecode.cpp), with whichever Int the build has.
TEST(Int128Text, ToStringOf39DigitNumbers) {
  for (const TextRow& r : kText)
    EXPECT_EQ(shmcheck::to_string(make<shmcheck::Int, shmcheck::UInt>(r.v)), r.text) << hex(r.v);
}

}  // namespace
