#pragma once
// The probe's portable half: what the compiler says about each typecode's C type, and a
// minimal JSON writer. Standard library only, because it is cross-compiled for every ABI
// the audit executes (static, no nlohmann, no fmt in the cross sysroots). It observes; it
// never compares with anything: shmcheck judges (audit/src/judge.cpp).
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <type_traits>

namespace probe {

// JSON text built by hand: numbers, strings, booleans, null and nested objects.
class Json {
 public:
  Json& key(const char* k) {
    sep();
    text_ += '"';
    text_ += k;
    text_ += "\":";
    fresh_ = true;
    return *this;
  }
  Json& open() { return raw("{", true); }
  Json& close() {
    text_ += '}';
    fresh_ = false;
    return *this;
  }
  Json& str(const std::string& s) {
    std::string q = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') q += '\\', q += c;
      else if (static_cast<unsigned char>(c) < 0x20) q += ' ';  // reasons from strerror are printable
      else q += c;
    }
    return raw(q + "\"", false);
  }
  Json& boolean(bool b) { return raw(b ? "true" : "false", false); }
  Json& null() { return raw("null", false); }
  Json& integer(long long v) { return raw(std::to_string(v), false); }
  Json& uinteger(unsigned long long v) { return raw(std::to_string(v), false); }
  Json& real(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);  // round-trips a double exactly
    return raw(buf, false);
  }
  Json& embed(const Json& object) { return raw(object.text(), false); }  // a finished object as a value
  const std::string& text() const { return text_; }

 private:
  void sep() {
    if (!fresh_ && !text_.empty() && text_.back() != '{') text_ += ',';
  }
  Json& raw(const std::string& s, bool opens) {
    if (!fresh_) sep();
    text_ += s;
    fresh_ = opens;
    return *this;
  }
  std::string text_;
  bool fresh_ = true;
};

template <class T>
struct InStruct {
  char c;
  T t;
};

template <class T>
void typecode_entry(Json& j, const char* code, const char* ctype) {
  j.key(code).open();
  j.key("ctype").str(ctype);
  j.key("size").integer(sizeof(T));
  j.key("align").integer(alignof(T));
  // Alignment inside a struct is what decides a shared layout: i386 aligns long long and
  // double to 4 there although alignof may say otherwise.
  j.key("align_in_struct").integer(static_cast<long long>(offsetof(InStruct<T>, t)));
  j.key("signed").boolean(std::is_signed_v<T>);
  if constexpr (std::is_floating_point_v<T>) {
    j.key("min").real(static_cast<double>(-std::numeric_limits<T>::max()));
    j.key("max").real(static_cast<double>(std::numeric_limits<T>::max()));
  } else if constexpr (std::is_signed_v<T>) {
    j.key("min").integer(std::numeric_limits<T>::min());
    j.key("max").integer(std::numeric_limits<T>::max());
  } else {
    j.key("min").uinteger(std::numeric_limits<T>::min());
    j.key("max").uinteger(std::numeric_limits<T>::max());
  }
  j.key("lock_free").boolean(std::atomic<T>::is_always_lock_free);
  j.close();
}

// The 14 sharedctypes typecodes, in CPython's order, with the C types CPython maps them to.
inline void typecodes(Json& j) {
  j.key("typecodes").open();
  typecode_entry<char>(j, "c", "char");
  typecode_entry<wchar_t>(j, "u", "wchar_t");
  typecode_entry<signed char>(j, "b", "signed char");
  typecode_entry<unsigned char>(j, "B", "unsigned char");
  typecode_entry<short>(j, "h", "short");
  typecode_entry<unsigned short>(j, "H", "unsigned short");
  typecode_entry<int>(j, "i", "int");
  typecode_entry<unsigned int>(j, "I", "unsigned int");
  typecode_entry<long>(j, "l", "long");
  typecode_entry<unsigned long>(j, "L", "unsigned long");
  typecode_entry<long long>(j, "q", "long long");
  typecode_entry<unsigned long long>(j, "Q", "unsigned long long");
  typecode_entry<float>(j, "f", "float");
  typecode_entry<double>(j, "d", "double");
  j.close();
}

// 16 bytes updated as one: what a lock-free Value of a pair, or a tagged pointer, needs.
struct alignas(16) Pair {
  std::uint64_t lo, hi;
};

// The facts the compiler alone knows.
inline void compile_time_facts(Json& j) {
  j.key("wchar_size").integer(sizeof(wchar_t));
  j.key("char_signed").boolean(std::is_signed_v<char>);
  j.key("endianness").str(std::endian::native == std::endian::little ? "little"
                          : std::endian::native == std::endian::big  ? "big"
                                                                     : "mixed");
  j.key("pointer_size").integer(sizeof(void*));
  j.key("atomic16_lock_free").boolean(std::atomic_ref<Pair>::is_always_lock_free);
}

inline std::string compiler() {
#if defined(__clang__)
  return "clang " __clang_version__;
#elif defined(__GNUC__)
  return "GCC " + std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." + std::to_string(__GNUC_PATCHLEVEL__);
#else
  return "unknown";
#endif
}

}  // namespace probe
