#include "fault.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/slice.hpp>

#include <algorithm>
#include <cstdint>

namespace shmcheck {

std::string Slice::repr() const {
  auto part = [](const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : std::string(); };
  std::string out = part(start) + ":" + part(stop);
  if (step) out += ":" + std::to_string(*step);
  return out;
}

SliceIndices resolve(const Slice& s, std::size_t length) {
  // PySlice_Unpack + PySlice_AdjustIndices, for a length that fits in int64.
  const std::int64_t len = static_cast<std::int64_t>(length);
  std::int64_t step = s.step.value_or(1);
  if (step == 0) throw ValueError("slice step cannot be zero");
  if (step < -INT64_MAX) step = -INT64_MAX;  // as CPython, so that -step cannot overflow
  std::int64_t start, stop;
  if (step > 0) {
    start = s.start.value_or(0);
    stop = s.stop.value_or(len);
    if (start < 0) start = std::max<std::int64_t>(start + len, 0);
    else if (start > len) start = len;
    if (stop < 0) stop = std::max<std::int64_t>(stop + len, 0);
    else if (stop > len) stop = len;
  } else {
    start = s.start.value_or(len - 1);
    stop = s.stop.value_or(-1 - len);  // "before the first element" after adjustment
    if (start < 0) start = std::max<std::int64_t>(start + len, -1);
    else if (start >= len) start = len - 1;
    if (stop < 0) stop = std::max<std::int64_t>(stop + len, -1);
    else if (stop >= len) stop = len - 1;
  }
  std::size_t count = 0;
  if (step > 0 && start < stop) count = static_cast<std::size_t>((stop - start - 1) / step + 1);
  if (step < 0 && stop < start) count = static_cast<std::size_t>((start - stop - 1) / (-step) + 1);
  return {start, step, count};
}

std::size_t resolve_index(std::int64_t index, std::size_t length) {
  const std::int64_t len = static_cast<std::int64_t>(length);
  const std::int64_t end = SHMCHECK_FAULT(index_off_by_one) ? len + 1 : len;
  if (index < 0 && !SHMCHECK_FAULT(negative_index_not_wrapped)) index += len;
  if (index < 0 || index >= end) throw IndexError("invalid index");
  return static_cast<std::size_t>(index);
}

}  // namespace shmcheck
