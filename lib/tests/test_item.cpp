// Item conversion (item.hpp): storing a Python-like value into an element converts it as
// ctypes does in CPython 3.11 (doc section 3), and loading it back gives what CPython returns.
#include <shmcheck/error.hpp>
#include <shmcheck/item.hpp>
#include <shmcheck/typecode.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

using namespace shmcheck;

namespace {

constexpr Int kPow2(int n) { return static_cast<Int>(1) << n; }

// Stores into the middle of a guarded, deliberately misaligned buffer, checks that only
// tc.size bytes were written, and loads the value back.
Item round_trip(const Typecode& tc, const Item& v) {
  std::array<unsigned char, 40> buf;
  buf.fill(0xa5);
  unsigned char* dst = buf.data() + 9;
  store_item(tc, dst, v);
  for (std::size_t i = 0; i < buf.size(); ++i)
    if (i < 9 || i >= 9 + tc.size) {
      EXPECT_EQ(buf[i], 0xa5) << "byte " << i << " outside the element of '" << tc.code << "'";
    }
  return load_item(tc, dst);
}

Item stored(char code, const Item& v) { return round_trip(typecode(code), v); }

std::string type_error_of(char code, const Item& v) {
  unsigned char buf[16];
  std::memset(buf, 0x5a, sizeof buf);
  try {
    store_item(typecode(code), buf, v);
  } catch (const TypeError& e) {
    for (unsigned char b : buf) EXPECT_EQ(b, 0x5a) << "a refused store wrote to the element";
    return e.what();
  }
  ADD_FAILURE() << "no TypeError storing " << v.repr() << " into '" << code << "'";
  return "";
}

// Values every element of a typecode must hold exactly.
std::vector<Item> samples(const Typecode& tc) {
  switch (tc.kind) {
    case TypeKind::signed_int:
    case TypeKind::unsigned_int:
      return {Item(tc.min), Item(tc.max), Item(0), Item(1), Item(tc.max - 1), Item(tc.min + 1), Item(tc.max / 3)};
    case TypeKind::floating:
      return {Item(0.0), Item(-0.0), Item(1.5), Item(-2.25), Item(tc.float_max), Item(-tc.float_max),
              Item(std::numeric_limits<double>::infinity()), Item(-std::numeric_limits<double>::infinity()),
              Item(std::numeric_limits<double>::quiet_NaN()), Item(0.5), Item(1024.0)};
    case TypeKind::bytes_char:
      return {Item::bytes(std::string(1, '\0')), Item::bytes("a"), Item::bytes("\x7f"), Item::bytes("\x80"),
              Item::bytes("\xff")};
    case TypeKind::wide_char: {
      std::vector<Item> bmp = {Item::str(U"a"), Item::str(std::u32string(1, U'\0')), Item::str(U"\u00e9"), Item::str(U"\u20ac"),
                               Item::str(U"\uFFFF")};
      // Outside the BMP only where wchar_t holds it (UTF-32); a 2-byte wchar_t (Windows)
      // refuses it, as NonBmpCharacterFitsOnlyAFourByteWchar checks.
      if (tc.max >= 0x10FFFF) bmp.insert(bmp.end(), {Item::str(U"\U0001F600"), Item::str(U"\U0010FFFF")});
      return bmp;
    }
  }
  return {};
}

class ItemPerTypecode : public ::testing::TestWithParam<char> {
 protected:
  const Typecode& tc() const { return typecode(GetParam()); }
};

std::string code_name(const ::testing::TestParamInfo<char>& info) {
  return std::string(info.param >= 'a' ? "lower_" : "upper_") + info.param;
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(ItemCodes, ItemPerTypecode,
                         ::testing::ValuesIn(std::vector<char>(typecode_letters().begin(), typecode_letters().end())),
                         code_name);

TEST_P(ItemPerTypecode, StoreThenLoadRoundTrips) {
  const auto values = samples(tc());
  ASSERT_FALSE(values.empty());
  for (const Item& v : values) EXPECT_EQ(round_trip(tc(), v), v) << "'" << tc().code << "' <- " << v.repr();
}

TEST(ItemWideChar, NonBmpCharacterFitsOnlyAFourByteWchar) {
  const Typecode& u = typecode('u');
  const Item emoji = Item::str(U"\U0001F600");
  if (u.size == 4) {
    EXPECT_EQ(stored('u', emoji), emoji);
  } else {  // CPython on Windows refuses it with the same message
    EXPECT_EQ(u.max, 0xFFFF);
    EXPECT_EQ(type_error_of('u', emoji), "one character unicode string expected");
  }
}

TEST_P(ItemPerTypecode, ZeroItemIsWhatZeroedMemoryHolds) {
  const unsigned char zeros[16] = {};
  const Item zero = zero_item(tc());
  EXPECT_EQ(zero, load_item(tc(), zeros));
  if (tc().is_integer()) {
    EXPECT_EQ(zero, Item(0));
  }
  if (tc().is_float()) {
    EXPECT_EQ(zero, Item(0.0));
  }
  if (tc().code == 'c') {
    EXPECT_EQ(zero, Item::bytes(std::string(1, '\0')));
  }
  if (tc().code == 'u') {
    EXPECT_EQ(zero, Item::str(std::u32string(1, U'\0')));
  }
}

TEST_P(ItemPerTypecode, IntegersWrapModuloTwoToTheBits) {
  if (!tc().is_integer()) {
    // Only the ten integer codes wrap; the others must refuse a float outright or convert it.
    EXPECT_FALSE(tc().kind == TypeKind::signed_int || tc().kind == TypeKind::unsigned_int);
    return;
  }
  const Int m = kPow2(static_cast<int>(tc().bits()));
  EXPECT_EQ(stored(tc().code, tc().max + 1), Item(tc().min));
  EXPECT_EQ(stored(tc().code, tc().min - 1), Item(tc().max));
  EXPECT_EQ(stored(tc().code, m + 7), Item(7));
  EXPECT_EQ(stored(tc().code, -m), Item(0));
  EXPECT_EQ(stored(tc().code, 5 * m + 3), Item(3));
  EXPECT_EQ(stored(tc().code, Item(-1)), Item(tc().is_signed ? Int(-1) : tc().max));
  // Far outside every range: only the low bits count.
  const Int huge = kPow2(100) + 42;
  EXPECT_EQ(stored(tc().code, huge), Item(42));
  EXPECT_EQ(stored(tc().code, -huge), Item(tc().is_signed ? Int(-42) : m - 42));
}

TEST_P(ItemPerTypecode, IntegerCodesRefuseNonIntegersWithCPython311Message) {
  if (!tc().is_integer()) {
    EXPECT_TRUE(tc().is_float() || tc().code == 'c' || tc().code == 'u');
    return;
  }
  const char c = tc().code;
  EXPECT_EQ(type_error_of(c, Item(1.5)), "'float' object cannot be interpreted as an integer");
  EXPECT_EQ(type_error_of(c, Item(2.0)), "'float' object cannot be interpreted as an integer");
  EXPECT_EQ(type_error_of(c, Item::str(U"ab")), "'str' object cannot be interpreted as an integer");
  EXPECT_EQ(type_error_of(c, Item()), "'NoneType' object cannot be interpreted as an integer");
  EXPECT_EQ(type_error_of(c, Item::bytes("a")), "'bytes' object cannot be interpreted as an integer");
}

TEST(ItemWrap, CPythonDocumentedExamples) {
  // Doc section 3, "integer overflow": silently wrapped modulo 2^bits in every version.
  EXPECT_EQ(stored('i', kPow2(31)), Item(-2147483648LL));
  EXPECT_EQ(stored('i', kPow2(32) + 5), Item(5));
  EXPECT_EQ(stored('i', kPow2(64)), Item(0));
  EXPECT_EQ(stored('i', kPow2(33) + 1), Item(1));
  EXPECT_EQ(stored('b', 200), Item(-56));
  EXPECT_EQ(stored('b', 1000), Item(-24));
  EXPECT_EQ(stored('b', 300), Item(44));
  EXPECT_EQ(stored('B', -1), Item(255));
  // unsigned long: 64 bits on LP64, 32 on ILP32 (i686, armhf) and LLP64.
  EXPECT_EQ(stored('L', -1), Item(kPow2(8 * sizeof(unsigned long)) - 1));
  EXPECT_EQ(stored('L', -1).repr(), sizeof(unsigned long) == 8 ? "18446744073709551615" : "4294967295");
  EXPECT_EQ(stored('q', kPow2(63)), Item(-kPow2(63)));
  EXPECT_EQ(stored('q', kPow2(63)).repr(), "-9223372036854775808");
  EXPECT_EQ(stored('l', kPow2(64)), Item(0));
  EXPECT_EQ(stored('Q', -1), Item(18446744073709551615ULL));
  EXPECT_EQ(stored('h', 40000), Item(40000 - 65536));
  EXPECT_EQ(stored('H', -2), Item(65534));
}

TEST(ItemFloat, FloatRoundsToSinglePrecision) {
  const Item tenth = stored('f', 0.1);
  ASSERT_TRUE(tenth.is_float());
  EXPECT_EQ(tenth.as_float(), static_cast<double>(0.1f));
  EXPECT_EQ(tenth.repr(), "0.10000000149011612");  // what CPython prints
  EXPECT_EQ(stored('d', 0.1), Item(0.1));          // 'd' keeps every bit
  EXPECT_EQ(stored('f', 16777217.0), Item(16777216.0));
}

TEST(ItemFloat, FloatOutOfRangeBecomesInfinitySilently) {
  EXPECT_EQ(stored('f', 1e40), Item(std::numeric_limits<double>::infinity()));
  EXPECT_EQ(stored('f', 1e40).repr(), "inf");
  EXPECT_EQ(stored('f', -1e40), Item(-std::numeric_limits<double>::infinity()));
  EXPECT_EQ(stored('d', 1e300), Item(1e300));
  EXPECT_TRUE(std::isnan(stored('f', std::nan("")).as_float()));
}

TEST(ItemFloat, IntegersAreAcceptedAndBecomeFloats) {
  EXPECT_EQ(stored('d', 3), Item(3.0));
  EXPECT_EQ(stored('d', 3).repr(), "3.0");
  EXPECT_EQ(stored('f', -7), Item(-7.0));
  EXPECT_EQ(stored('d', kPow2(53) + 1), Item(9007199254740992.0));  // rounds to nearest double
}

TEST(ItemFloat, NonNumbersAreRefused) {
  EXPECT_EQ(type_error_of('d', Item::str(U"3")), "must be real number, not str");
  EXPECT_EQ(type_error_of('f', Item::str(U"3")), "must be real number, not str");
  EXPECT_EQ(type_error_of('d', Item()), "must be real number, not NoneType");
  EXPECT_EQ(type_error_of('d', Item::bytes("3")), "must be real number, not bytes");
}

TEST(ItemChar, AcceptsOneByteAndIntegersZeroTo255) {
  EXPECT_EQ(stored('c', 65), Item::bytes("A"));
  EXPECT_EQ(stored('c', 0), Item::bytes(std::string(1, '\0')));
  EXPECT_EQ(stored('c', 255), Item::bytes("\xff"));
  EXPECT_EQ(stored('c', Item::bytes("z")), Item::bytes("z"));
  EXPECT_EQ(stored('c', Item::bytes(std::string(1, '\0'))), Item::bytes(std::string(1, '\0')));
}

TEST(ItemChar, RefusesEverythingElse) {
  const std::string msg = "one character bytes, bytearray or integer expected";
  EXPECT_EQ(type_error_of('c', 256), msg);
  EXPECT_EQ(type_error_of('c', -1), msg);
  EXPECT_EQ(type_error_of('c', kPow2(64) + 65), msg);  // no wrapping for c_char
  EXPECT_EQ(type_error_of('c', Item::bytes("ab")), msg);
  EXPECT_EQ(type_error_of('c', Item::bytes("")), msg);
  EXPECT_EQ(type_error_of('c', Item::str(U"a")), msg);
  EXPECT_EQ(type_error_of('c', Item(65.0)), msg);
  EXPECT_EQ(type_error_of('c', Item()), msg);
}

TEST(ItemWideChar, RefusesAllButOneCharacterStrings) {
  EXPECT_EQ(type_error_of('u', Item::str(U"xy")), "one character unicode string expected");
  EXPECT_EQ(type_error_of('u', Item::str(U"")), "one character unicode string expected");
  EXPECT_EQ(type_error_of('u', 5), "unicode string expected instead of int instance");
  EXPECT_EQ(type_error_of('u', Item::bytes("a")), "unicode string expected instead of bytes instance");
  EXPECT_EQ(type_error_of('u', Item(1.0)), "unicode string expected instead of float instance");
  EXPECT_EQ(stored('u', Item::str(U"\u03bb")), Item::str(U"\u03bb"));
}

TEST(ItemKinds, TypeNamesArePythons) {
  EXPECT_EQ(Item().type_name(), "NoneType");
  EXPECT_EQ(Item(None{}).type_name(), "NoneType");
  EXPECT_EQ(Item(3).type_name(), "int");
  EXPECT_EQ(Item(3.0).type_name(), "float");
  EXPECT_EQ(Item::bytes("x").type_name(), "bytes");
  EXPECT_EQ(Item::str(U"x").type_name(), "str");
  EXPECT_TRUE(Item(7ULL).is_int());
  EXPECT_EQ(Item(18446744073709551615ULL).as_int(), kPow2(64) - 1);
  EXPECT_EQ(Item(-5L).as_int(), -5);
}

TEST(ItemRepr, IntegersNoneBytesStr) {
  EXPECT_EQ(Item(5).repr(), "5");
  EXPECT_EQ(Item(-7).repr(), "-7");
  EXPECT_EQ(Item(kPow2(100)).repr(), "1267650600228229401496703205376");
  EXPECT_EQ(Item().repr(), "None");
  EXPECT_EQ(Item::bytes("a").repr(), "b'a'");
  EXPECT_EQ(Item::bytes("").repr(), "b''");
  EXPECT_EQ(Item::bytes(std::string("\x00\x7f\xff", 3)).repr(), "b'\\x00\\x7f\\xff'");
  EXPECT_EQ(Item::bytes("\\").repr(), "b'\\\\'");
  EXPECT_EQ(Item::bytes("\t\n\r").repr(), "b'\\t\\n\\r'");
  EXPECT_EQ(Item::bytes("'").repr(), "b\"'\"");
  EXPECT_EQ(Item::str(U"a").repr(), "'a'");
  EXPECT_EQ(Item::str(U"\n").repr(), "'\\n'");
  EXPECT_EQ(Item::str(U"\x7f").repr(), "'\\x7f'");
  EXPECT_EQ(Item::str(U"\\").repr(), "'\\\\'");
  EXPECT_EQ(Item::str(U"'").repr(), "\"'\"");
  EXPECT_EQ(Item::str(U"'\"").repr(), "'\\'\"'");
  EXPECT_EQ(Item::bytes("'\"").repr(), "b'\\'\"'");
}

TEST(ItemRepr, FloatsAsPythonPrintsThem) {
  // Expected strings are CPython 3.11's repr() of the same doubles.
  const std::vector<std::pair<double, const char*>> cases{
      {1.5, "1.5"},       {3.0, "3.0"},         {-0.0, "-0.0"},       {0.0, "0.0"},
      {0.1, "0.1"},       {1e16, "1e+16"},      {1e15, "1000000000000000.0"},
      {1e6, "1000000.0"}, {0.0001, "0.0001"},   {1e-05, "1e-05"},     {2.5e-07, "2.5e-07"},
      {1e22, "1e+22"},    {123456789012345680.0, "1.2345678901234568e+17"},
      {-1.5e300, "-1.5e+300"}, {5e-324, "5e-324"}, {100.0, "100.0"},
      {std::numeric_limits<double>::infinity(), "inf"}, {-std::numeric_limits<double>::infinity(), "-inf"},
      {std::numeric_limits<double>::quiet_NaN(), "nan"},
      {9999999999999998.0, "9999999999999998.0"}, {0.00012345, "0.00012345"}, {1.2345e-05, "1.2345e-05"},
      {1.7976931348623157e+308, "1.7976931348623157e+308"}, {2.2250738585072014e-308, "2.2250738585072014e-308"},
      {123.456, "123.456"}, {1.0 / 3.0, "0.3333333333333333"}, {-2.5, "-2.5"}, {12345678.9, "12345678.9"},
      {0.1 + 0.2, "0.30000000000000004"},
  };
  for (const auto& [d, text] : cases) EXPECT_EQ(Item(d).repr(), text) << text;
}

TEST(ItemEquality, SameKindAndBitwiseSameValue) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(Item(nan) == Item(nan));  // bitwise: NaN equals itself
  EXPECT_FALSE(Item(0.0) == Item(-0.0));
  EXPECT_FALSE(Item(1) == Item(1.0));  // int and float are different kinds here
  EXPECT_FALSE(Item::bytes("a") == Item::str(U"a"));
  EXPECT_FALSE(Item() == Item(0));
  EXPECT_TRUE(Item() == Item(None{}));
  EXPECT_TRUE(Item(5) == Item(Int(5)));
  EXPECT_TRUE(Item::bytes("ab") == Item::bytes("ab"));
  EXPECT_FALSE(Item::bytes("ab") == Item::bytes("ac"));
  EXPECT_FALSE(Item(kPow2(64)) == Item(0));
  EXPECT_FALSE(Item(nan) == Item(-nan));  // the sign bit differs
}
