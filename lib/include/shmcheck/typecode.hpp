#pragma once
// The typecodes of multiprocessing.sharedctypes: c u b B h H i I l L q Q f d. Every fact in
// the table (size, alignment, range) is taken from this platform's C types at compile time,
// never written down by hand, so the same source tells the truth on every ABI it is built for.

#include <shmcheck/detail/int128.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace shmcheck {

enum class TypeKind { bytes_char, wide_char, signed_int, unsigned_int, floating };

struct Typecode {
  char code;                     // 'i'
  std::string_view c_type;       // "int"
  std::string_view ctypes_name;  // "c_int": the ctypes type CPython maps the code to
  TypeKind kind;
  std::size_t size;              // sizeof
  std::size_t align;             // alignof, standalone
  std::size_t align_in_struct;   // offset of the member in struct { char c; T t; }
  bool is_signed;                // std::is_signed of the C type (char's sign is the ABI's)
  Int min;                       // integer range of the stored value; for 'c' the byte range
  Int max;                       //   0..255 (what c_char accepts), for 'u' the wchar_t range
  double float_max;              // for 'f' and 'd': the largest finite value, else 0

  bool is_integer() const noexcept {
    return kind == TypeKind::signed_int || kind == TypeKind::unsigned_int;
  }
  bool is_float() const noexcept { return kind == TypeKind::floating; }
  std::size_t bits() const noexcept { return size * 8; }
};

// All 14 typecodes, in the order CPython documents them.
std::span<const Typecode> typecodes() noexcept;
// "cubBhHiIlLqQfd"
std::string_view typecode_letters() noexcept;
// nullptr if `code` is not a typecode.
const Typecode* find_typecode(char code) noexcept;
// Throws TypeError naming the bad code and listing the valid ones.
const Typecode& typecode(char code);
const Typecode& typecode(std::string_view code);  // exactly one character

// The C++ type behind a typecode, and the typecode of a C++ type.
template <char C> struct ctype_of;
template <> struct ctype_of<'c'> { using type = char; };
template <> struct ctype_of<'u'> { using type = wchar_t; };
template <> struct ctype_of<'b'> { using type = signed char; };
template <> struct ctype_of<'B'> { using type = unsigned char; };
template <> struct ctype_of<'h'> { using type = short; };
template <> struct ctype_of<'H'> { using type = unsigned short; };
template <> struct ctype_of<'i'> { using type = int; };
template <> struct ctype_of<'I'> { using type = unsigned int; };
template <> struct ctype_of<'l'> { using type = long; };
template <> struct ctype_of<'L'> { using type = unsigned long; };
template <> struct ctype_of<'q'> { using type = long long; };
template <> struct ctype_of<'Q'> { using type = unsigned long long; };
template <> struct ctype_of<'f'> { using type = float; };
template <> struct ctype_of<'d'> { using type = double; };
template <char C> using ctype_of_t = typename ctype_of<C>::type;

template <class T> inline constexpr char typecode_of = '\0';
template <> inline constexpr char typecode_of<char> = 'c';
template <> inline constexpr char typecode_of<wchar_t> = 'u';
template <> inline constexpr char typecode_of<signed char> = 'b';
template <> inline constexpr char typecode_of<unsigned char> = 'B';
template <> inline constexpr char typecode_of<short> = 'h';
template <> inline constexpr char typecode_of<unsigned short> = 'H';
template <> inline constexpr char typecode_of<int> = 'i';
template <> inline constexpr char typecode_of<unsigned int> = 'I';
template <> inline constexpr char typecode_of<long> = 'l';
template <> inline constexpr char typecode_of<unsigned long> = 'L';
template <> inline constexpr char typecode_of<long long> = 'q';
template <> inline constexpr char typecode_of<unsigned long long> = 'Q';
template <> inline constexpr char typecode_of<float> = 'f';
template <> inline constexpr char typecode_of<double> = 'd';

// A C++ type that has a typecode: the element types of Array<T> and Value<T>.
template <class T>
concept Element = typecode_of<T> != '\0';

// Decimal text of a 128-bit integer (for tables and messages).
std::string to_string(Int value);

}  // namespace shmcheck
