#pragma once
// Python's index and slice rules, used by every array operation: negative indices count
// from the end, out-of-range indices are an IndexError, slice bounds are clamped (a[5:10]
// on a 3-element array is empty, not an error) and a zero step is a ValueError.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace shmcheck {

struct Slice {
  std::optional<std::int64_t> start, stop, step;

  static Slice all() { return {}; }
  static Slice range(std::int64_t start, std::int64_t stop, std::int64_t step = 1) {
    return {start, stop, step};
  }
  std::string repr() const;  // "1:5:2", "::-1"
};

// A slice resolved against a length, as PySlice_AdjustIndices does.
struct SliceIndices {
  std::int64_t start;
  std::int64_t step;
  std::size_t length;  // number of elements selected
  std::size_t at(std::size_t k) const { return static_cast<std::size_t>(start + step * std::int64_t(k)); }
};

SliceIndices resolve(const Slice& s, std::size_t length);       // ValueError on step 0
std::size_t resolve_index(std::int64_t index, std::size_t length);  // IndexError "invalid index"

}  // namespace shmcheck
