#include <shmcheck/error.hpp>
#include <shmcheck/typecode.hpp>

#include <array>
#include <climits>
#include <cstddef>
#include <cwchar>
#include <limits>
#include <type_traits>

namespace shmcheck {
namespace {

template <class T>
struct InStruct {
  char c;
  T t;
};

template <class T>
constexpr Typecode describe(char code, std::string_view c_type, std::string_view ctypes_name, TypeKind kind) {
  Typecode tc{code, c_type, ctypes_name, kind, sizeof(T), alignof(T), offsetof(InStruct<T>, t),
              std::is_signed_v<T>, 0, 0, 0.0};
  if constexpr (std::is_floating_point_v<T>) {
    tc.float_max = static_cast<double>(std::numeric_limits<T>::max());
  } else if constexpr (std::is_same_v<T, char>) {
    tc.min = 0;  // c_char holds one byte whatever char's sign: it accepts 0..255
    tc.max = UCHAR_MAX;
  } else {
    tc.min = static_cast<Int>(std::numeric_limits<T>::min());
    tc.max = static_cast<Int>(std::numeric_limits<T>::max());
  }
  return tc;
}

// CPython's typecode_to_type, in the order its documentation lists the codes.
const std::array<Typecode, 14> kTypecodes{
    describe<char>('c', "char", "c_char", TypeKind::bytes_char),
    describe<wchar_t>('u', "wchar_t", "c_wchar", TypeKind::wide_char),
    describe<signed char>('b', "signed char", "c_byte", TypeKind::signed_int),
    describe<unsigned char>('B', "unsigned char", "c_ubyte", TypeKind::unsigned_int),
    describe<short>('h', "short", "c_short", TypeKind::signed_int),
    describe<unsigned short>('H', "unsigned short", "c_ushort", TypeKind::unsigned_int),
    describe<int>('i', "int", "c_int", TypeKind::signed_int),
    describe<unsigned int>('I', "unsigned int", "c_uint", TypeKind::unsigned_int),
    describe<long>('l', "long", "c_long", TypeKind::signed_int),
    describe<unsigned long>('L', "unsigned long", "c_ulong", TypeKind::unsigned_int),
    describe<long long>('q', "long long", "c_longlong", TypeKind::signed_int),
    describe<unsigned long long>('Q', "unsigned long long", "c_ulonglong", TypeKind::unsigned_int),
    describe<float>('f', "float", "c_float", TypeKind::floating),
    describe<double>('d', "double", "c_double", TypeKind::floating),
};

[[noreturn]] void bad_typecode(std::string_view shown) {
  // CPython up to 3.13 says only "this type has no size"; the message of its main branch
  // (gh-133017) names the valid codes, and so does ours.
  throw TypeError("bad typecode " + std::string(shown) +
                  " (must be one of c, u, b, B, h, H, i, I, l, L, q, Q, f or d)");
}

}  // namespace

std::span<const Typecode> typecodes() noexcept { return kTypecodes; }
std::string_view typecode_letters() noexcept { return "cubBhHiIlLqQfd"; }

const Typecode* find_typecode(char code) noexcept {
  for (const auto& tc : kTypecodes)
    if (tc.code == code) return &tc;
  return nullptr;
}

const Typecode& typecode(char code) {
  if (const Typecode* tc = find_typecode(code)) return *tc;
  if (code >= 0x20 && code < 0x7f) bad_typecode(std::string("'") + code + "'");
  bad_typecode("byte " + std::to_string(static_cast<unsigned char>(code)));
}

const Typecode& typecode(std::string_view code) {
  if (code.size() == 1) return typecode(code[0]);
  bad_typecode("'" + std::string(code) + "'");
}

std::string to_string(Int value) {
  if (value == 0) return "0";
  const bool negative = value < 0;
  // Work with the unsigned magnitude so that the most negative value is handled too.
  UInt mag = negative ? ~static_cast<UInt>(value) + 1 : static_cast<UInt>(value);
  std::string digits;
  while (mag != 0) {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(mag % 10)));
    mag /= 10;
  }
  return negative ? "-" + digits : digits;
}

}  // namespace shmcheck
