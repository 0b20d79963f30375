// The compile-time probe: `clang --target=TRIPLE -c` turns this into an object file whose
// constant data holds, after a marker, what the target's compiler says about each typecode's
// C type. Built-in types and compiler built-ins only (no headers), so no SDK, sysroot or
// libc of the target is needed, and nothing is executed: shmcheck finds the marker in the
// object file (ELF, COFF, Mach-O or wasm alike) and reads the bytes that follow.
//
// Layout (audit/src/object_file.cpp reads it): the 16-byte marker, a version byte, then per
// typecode in the order c u b B h H i I l L q Q f d five bytes: size, alignof, alignment in
// a struct, signed, always lock-free; then wchar size, char signed, endianness (1 little,
// 2 big), pointer size, 16-byte atomics always lock-free; FLT_MAX and DBL_MAX as the 8
// little-endian bytes of their IEEE double; then the end marker.

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define PROBE_ENDIAN 2
#else
#define PROBE_ENDIAN 1
#endif

namespace {

template <class T>
struct InStruct {
  char c;
  T t;
};

#define PROBE_TYPE(T)                                                                                        \
  static_cast<unsigned char>(sizeof(T)), static_cast<unsigned char>(alignof(T)),                             \
      static_cast<unsigned char>(__builtin_offsetof(InStruct<T>, t)), static_cast<unsigned char>((T)-1 < (T)0), \
      static_cast<unsigned char>(__atomic_always_lock_free(sizeof(T), 0))

constexpr unsigned long long bits(double d) { return __builtin_bit_cast(unsigned long long, d); }

#define PROBE_DOUBLE(d)                                                                                    \
  static_cast<unsigned char>(bits(d)), static_cast<unsigned char>(bits(d) >> 8),                           \
      static_cast<unsigned char>(bits(d) >> 16), static_cast<unsigned char>(bits(d) >> 24),                \
      static_cast<unsigned char>(bits(d) >> 32), static_cast<unsigned char>(bits(d) >> 40),                \
      static_cast<unsigned char>(bits(d) >> 48), static_cast<unsigned char>(bits(d) >> 56)

}  // namespace

extern "C" __attribute__((used)) const unsigned char shmcheck_static_probe[] = {
    'S', 'H', 'M', 'C', 'H', 'E', 'C', 'K', '-', 'P', 'R', 'O', 'B', 'E', '-', '>',
    1,  // layout version
    PROBE_TYPE(char), PROBE_TYPE(wchar_t), PROBE_TYPE(signed char), PROBE_TYPE(unsigned char),
    PROBE_TYPE(short), PROBE_TYPE(unsigned short), PROBE_TYPE(int), PROBE_TYPE(unsigned int),
    PROBE_TYPE(long), PROBE_TYPE(unsigned long), PROBE_TYPE(long long), PROBE_TYPE(unsigned long long),
    PROBE_TYPE(float), PROBE_TYPE(double),
    static_cast<unsigned char>(sizeof(wchar_t)), static_cast<unsigned char>((char)-1 < (char)0), PROBE_ENDIAN,
    static_cast<unsigned char>(sizeof(void*)), static_cast<unsigned char>(__atomic_always_lock_free(16, 0)),
    PROBE_DOUBLE(static_cast<double>(__FLT_MAX__)), PROBE_DOUBLE(__DBL_MAX__),
    '<', '-', 'E', 'N', 'D',
};
