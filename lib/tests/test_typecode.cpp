// The typecode table (typecode.hpp): the 14 codes of multiprocessing.sharedctypes in
// CPython's order, each describing this platform's C type exactly, and the lookups.
#include <shmcheck/error.hpp>
#include <shmcheck/typecode.hpp>

#include <gtest/gtest.h>

#include <climits>
#include <cstddef>
#include <limits>
#include <string>
#include <type_traits>

using namespace shmcheck;

namespace {

template <class T>
struct InStruct {
  char c;
  T t;
};

constexpr Int kInt128Max = static_cast<Int>(~static_cast<UInt>(0) >> 1);
constexpr Int kInt128Min = -kInt128Max - 1;

}  // namespace

TEST(Typecode, FourteenCodesInCPythonOrder) {
  EXPECT_EQ(typecode_letters(), "cubBhHiIlLqQfd");
  ASSERT_EQ(typecodes().size(), 14u);
  for (std::size_t i = 0; i < typecodes().size(); ++i) EXPECT_EQ(typecodes()[i].code, typecode_letters()[i]) << i;
}

TEST(Typecode, CTypesNamesAndCTypes) {
  const char* expected[][3] = {
      {"c", "char", "c_char"},          {"u", "wchar_t", "c_wchar"},
      {"b", "signed char", "c_byte"},   {"B", "unsigned char", "c_ubyte"},
      {"h", "short", "c_short"},        {"H", "unsigned short", "c_ushort"},
      {"i", "int", "c_int"},            {"I", "unsigned int", "c_uint"},
      {"l", "long", "c_long"},          {"L", "unsigned long", "c_ulong"},
      {"q", "long long", "c_longlong"}, {"Q", "unsigned long long", "c_ulonglong"},
      {"f", "float", "c_float"},        {"d", "double", "c_double"},
  };
  for (const auto& row : expected) {
    const Typecode& tc = typecode(row[0][0]);
    EXPECT_EQ(tc.c_type, row[1]) << row[0];
    EXPECT_EQ(tc.ctypes_name, row[2]) << row[0];
  }
}

// One typed test per typecode, generated from the letters: each checks its table row
// against the C++ type behind it, so the table cannot drift from the compiler's truth.
template <class C>
class TypecodeRow : public ::testing::Test {};
template <char... Cs>
using Codes = ::testing::Types<std::integral_constant<char, Cs>...>;
using AllCodes = Codes<'c', 'u', 'b', 'B', 'h', 'H', 'i', 'I', 'l', 'L', 'q', 'Q', 'f', 'd'>;
struct CodeName {
  template <class C>
  static std::string GetName(int) {
    return std::string("code_") + (C::value >= 'a' ? "lower_" : "upper_") + C::value;
  }
};
TYPED_TEST_SUITE(TypecodeRow, AllCodes, CodeName);

TYPED_TEST(TypecodeRow, MatchesTheCType) {
  constexpr char code = TypeParam::value;
  using T = ctype_of_t<code>;
  static_assert(typecode_of<T> == code, "ctype_of and typecode_of must be inverse");
  static_assert(Element<T>);
  const Typecode& tc = typecode(code);
  EXPECT_EQ(tc.code, code);
  EXPECT_EQ(tc.size, sizeof(T));
  EXPECT_EQ(tc.align, alignof(T));
  EXPECT_EQ(tc.align_in_struct, offsetof(InStruct<T>, t));
  EXPECT_EQ(tc.is_signed, std::is_signed_v<T>);
  EXPECT_EQ(tc.bits(), sizeof(T) * CHAR_BIT);
  EXPECT_EQ(tc.is_float(), std::is_floating_point_v<T>);
  EXPECT_EQ(tc.is_integer(), std::is_integral_v<T> && code != 'c' && code != 'u');
  if constexpr (std::is_floating_point_v<T>) {
    EXPECT_EQ(tc.kind, TypeKind::floating);
    EXPECT_EQ(tc.float_max, static_cast<double>(std::numeric_limits<T>::max()));
  } else if constexpr (code == 'c') {
    EXPECT_EQ(tc.kind, TypeKind::bytes_char);
    EXPECT_EQ(tc.min, 0);  // c_char takes 0..255 whatever char's sign
    EXPECT_EQ(tc.max, 255);
    EXPECT_EQ(tc.float_max, 0.0);
  } else {
    const TypeKind expected_kind = code == 'u'                ? TypeKind::wide_char
                                   : std::is_signed_v<T> ? TypeKind::signed_int
                                                         : TypeKind::unsigned_int;
    EXPECT_EQ(tc.kind, expected_kind);
    EXPECT_EQ(tc.min, static_cast<Int>(std::numeric_limits<T>::min()));
    EXPECT_EQ(tc.max, static_cast<Int>(std::numeric_limits<T>::max()));
    EXPECT_EQ(tc.float_max, 0.0);
  }
}

TYPED_TEST(TypecodeRow, LookupsReturnTheTableEntry) {
  constexpr char code = TypeParam::value;
  const Typecode* found = find_typecode(code);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found, &typecode(code));
  EXPECT_EQ(found, &typecode(std::string_view(&code, 1)));
  EXPECT_EQ(found, &typecodes()[typecode_letters().find(code)]);
}

TEST(Typecode, LinuxLP64Sizes) {
  // CPython's measured table (doc section 2.1, Linux x86-64): size/alignment per code.
  if (sizeof(long) != 8 || sizeof(void*) != 8)
    GTEST_SKIP() << "not an LP64 ABI (long " << sizeof(long) << " bytes, pointers " << sizeof(void*)
                 << "): its sizes are the audit's to tell, and the typed tests check them against the C types";
  const std::pair<char, std::size_t> sizes[] = {{'c', 1}, {'u', 4}, {'b', 1}, {'B', 1}, {'h', 2},
                                                {'H', 2}, {'i', 4}, {'I', 4}, {'l', 8}, {'L', 8},
                                                {'q', 8}, {'Q', 8}, {'f', 4}, {'d', 8}};
  for (const auto& [code, size] : sizes) {
    EXPECT_EQ(typecode(code).size, size) << code;
    EXPECT_EQ(typecode(code).align, size) << code;
  }
}

TEST(Typecode, FindTypecodeRejectsEverythingElse) {
  int found = 0;
  for (int c = 0; c < 256; ++c) {
    const char code = static_cast<char>(c);
    const bool listed = c != 0 && typecode_letters().find(code) != std::string_view::npos;
    EXPECT_EQ(find_typecode(code) != nullptr, listed) << c;
    found += find_typecode(code) != nullptr;
  }
  EXPECT_EQ(found, 14);
}

TEST(Typecode, UnknownCodeIsTypeErrorNamingItAndTheValidOnes) {
  const std::string valid = "c, u, b, B, h, H, i, I, l, L, q, Q, f or d";
  auto message_of = [](auto&& call) -> std::string {
    try {
      call();
    } catch (const TypeError& e) {
      EXPECT_EQ(e.kind(), ErrorKind::type);
      return e.what();
    }
    ADD_FAILURE() << "no TypeError";
    return "";
  };
  const std::string x = message_of([] { typecode('x'); });
  EXPECT_NE(x.find("'x'"), std::string::npos) << x;
  EXPECT_NE(x.find(valid), std::string::npos) << x;
  // 'w' is an array-module code (Py_UCS4) that sharedctypes does not have.
  const std::string w = message_of([] { typecode('w'); });
  EXPECT_NE(w.find("'w'"), std::string::npos) << w;
  EXPECT_NE(w.find(valid), std::string::npos) << w;
  const std::string ii = message_of([] { typecode(std::string_view("ii")); });
  EXPECT_NE(ii.find("'ii'"), std::string::npos) << ii;
  EXPECT_NE(ii.find(valid), std::string::npos) << ii;
  const std::string empty = message_of([] { typecode(std::string_view("")); });
  EXPECT_NE(empty.find("''"), std::string::npos) << empty;
  EXPECT_NE(empty.find(valid), std::string::npos) << empty;
  // A byte that cannot be shown as itself is named by its value.
  const std::string nul = message_of([] { typecode('\0'); });
  EXPECT_NE(nul.find("byte 0"), std::string::npos) << nul;
  const std::string high = message_of([] { typecode(static_cast<char>(0xff)); });
  EXPECT_NE(high.find("byte 255"), std::string::npos) << high;
}

TEST(Typecode, UnknownCodeIsCatchableAsError) {
  try {
    typecode('Z');
    FAIL() << "no error for 'Z'";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::type);
  }
  // "q " and "i\0" are two characters, not a code.
  EXPECT_THROW(typecode(std::string_view("q ")), TypeError);
  EXPECT_THROW(typecode(std::string_view("i\0", 2)), TypeError);
  EXPECT_NO_THROW(typecode(std::string_view("Q")));
}

TEST(Typecode, IntToStringSmallValuesMatchStdToString) {
  EXPECT_EQ(to_string(Int(0)), "0");
  EXPECT_EQ(to_string(Int(-0)), "0");
  for (long long v = -1005; v <= 1005; ++v) ASSERT_EQ(to_string(Int(v)), std::to_string(v));
  for (long long v : {LLONG_MIN, LLONG_MIN + 1, LLONG_MAX, -2147483648LL, 4294967295LL, -1000000000000LL})
    EXPECT_EQ(to_string(Int(v)), std::to_string(v));
  EXPECT_EQ(to_string(Int(ULLONG_MAX)), "18446744073709551615");
  EXPECT_EQ(to_string(Int(ULLONG_MAX) + 1), "18446744073709551616");
  EXPECT_EQ(to_string(-Int(ULLONG_MAX) - 1), "-18446744073709551616");
}

TEST(Typecode, IntToStringInt128Extremes) {
  EXPECT_EQ(to_string(kInt128Max), "170141183460469231731687303715884105727");
  EXPECT_EQ(to_string(kInt128Min), "-170141183460469231731687303715884105728");
  EXPECT_EQ(to_string(kInt128Min + 1), "-170141183460469231731687303715884105727");
  EXPECT_EQ(to_string(kInt128Max - 9), "170141183460469231731687303715884105718");
  // Powers of ten have a single 1 followed by zeros.
  Int p = 1;
  for (int k = 0; k <= 38; ++k, p *= 10) {
    EXPECT_EQ(to_string(p), "1" + std::string(static_cast<std::size_t>(k), '0'));
    EXPECT_EQ(to_string(-p), "-1" + std::string(static_cast<std::size_t>(k), '0'));
    if (k == 38) break;
  }
}

TEST(Typecode, MinAndMaxAgreeWithNumericLimitsForEveryIntegerCode) {
  // A runtime walk over the table, complementing the typed test.
  int integer_codes = 0;
  for (const Typecode& tc : typecodes()) {
    if (!tc.is_integer()) continue;
    ++integer_codes;
    const UInt span = static_cast<UInt>(tc.max - tc.min) + 1;
    EXPECT_EQ(span, static_cast<UInt>(1) << static_cast<int>(tc.bits())) << tc.code;
    EXPECT_EQ(tc.min < 0, tc.is_signed) << tc.code;
  }
  EXPECT_EQ(integer_codes, 10);
}
