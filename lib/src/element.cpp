#include <shmcheck/detail/element.hpp>
#include <shmcheck/raw_array.hpp>

#include <limits>

namespace shmcheck::detail {

std::size_t checked_bytes(std::int64_t length, std::size_t element_size) {
  if (length < 0) throw ValueError("Array length must be >= 0, not " + std::to_string(length));
  // CPython's ctypes refuses arrays whose byte size does not fit in a Py_ssize_t: ptrdiff_t,
  // 2^63 - 1 on a 64-bit ABI, 2^31 - 1 on a 32-bit one (where 2^31 bytes and more would not
  // even fit in size_t's product below).
  const auto max = static_cast<std::uint64_t>(std::numeric_limits<std::ptrdiff_t>::max());
  if (static_cast<std::uint64_t>(length) > max / element_size) throw OverflowError("array too large");
  return static_cast<std::size_t>(length) * element_size;
}

void throw_slice_size_mismatch() { throw ValueError("Can only assign sequence of same size"); }
void throw_byte_string_too_long() { throw ValueError("byte string too long"); }

}  // namespace shmcheck::detail
