// Python's index and slice rules (slice.hpp): resolve() must select exactly the indices
// that list(range(n))[slice(start, stop, step)] selects in CPython, for every combination
// of None, negative, out-of-range and extreme bounds and steps.
#include <shmcheck/detail/int128.hpp>
#include <shmcheck/error.hpp>
#include <shmcheck/slice.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

using namespace shmcheck;

namespace {

// A length no array of the ABI could have (2^62 where size_t has 64 bits, 2^30 where 32).
constexpr std::size_t kHuge = std::size_t{1} << (std::numeric_limits<std::size_t>::digits - 2);

using Opt = std::optional<std::int64_t>;

std::vector<std::int64_t> indices_of(const SliceIndices& r) {
  std::vector<std::int64_t> out;
  for (std::size_t k = 0; k < r.length; ++k) out.push_back(static_cast<std::int64_t>(r.at(k)));
  return out;
}

std::string describe(std::size_t n, const Slice& s) {
  return "list(range(" + std::to_string(n) + "))[" + s.repr() + "]";
}

// An independent model of Python's sequence slicing, written from the language reference
// ("s[i:j:k]") rather than from PySlice_AdjustIndices, in 128-bit arithmetic so that no
// bound or step can overflow:
//   * a negative i or j counts from the end (len + i); if still negative it becomes the
//     "before the start" end: 0 for k > 0, -1 for k < 0;
//   * an i or j beyond the end becomes len for k > 0, len - 1 for k < 0;
//   * an omitted i or j is the end that the direction of k starts or stops at.
std::vector<std::int64_t> python_slice(std::int64_t n, Opt start, Opt stop, Opt step) {
  using Wide = shmcheck::Int;
  const Wide k = step.value_or(1);
  auto clamp = [&](Wide v) -> Wide {
    if (v < 0) v += n;
    if (v < 0) return k > 0 ? 0 : -1;
    if (v >= n) return k > 0 ? n : n - 1;
    return v;
  };
  const Wide i = start ? clamp(*start) : (k > 0 ? Wide(0) : Wide(n - 1));
  const Wide j = stop ? clamp(*stop) : (k > 0 ? Wide(n) : Wide(-1));
  std::vector<std::int64_t> out;
  if (k > 0)
    for (Wide x = i; x < j; x += k) out.push_back(static_cast<std::int64_t>(x));
  else
    for (Wide x = i; x > j; x += k) out.push_back(static_cast<std::int64_t>(x));
  return out;
}

struct Case {
  std::size_t length;
  Opt start, stop, step;
  std::vector<std::int64_t> expected;
};

// Computed once with CPython 3.11.7: list(range(length))[slice(start, stop, step)].
const std::vector<Case> kPythonTable = {
    {10, std::nullopt, std::nullopt, std::nullopt, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
    {10, std::nullopt, std::nullopt, -1, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
    {10, 2, 8, 2, {2, 4, 6}},
    {10, 8, 2, -2, {8, 6, 4}},
    {10, -3, std::nullopt, std::nullopt, {7, 8, 9}},
    {10, std::nullopt, -3, std::nullopt, {0, 1, 2, 3, 4, 5, 6}},
    {10, -100, 100, std::nullopt, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
    {10, 100, -100, -1, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
    {10, -1, -11, -1, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
    {10, -1, -12, -3, {9, 6, 3, 0}},
    {10, 5, 5, 1, {}},
    {10, 5, 5, -1, {}},
    {10, 3, 7, -1, {}},
    {10, 7, 3, 1, {}},
    {10, std::nullopt, std::nullopt, 3, {0, 3, 6, 9}},
    {10, std::nullopt, std::nullopt, -3, {9, 6, 3, 0}},
    {10, 1, std::nullopt, 4, {1, 5, 9}},
    {10, std::nullopt, 1, -4, {9, 5}},
    {0, std::nullopt, std::nullopt, std::nullopt, {}},
    {0, std::nullopt, std::nullopt, -1, {}},
    {0, -1, 1, 1, {}},
    {1, std::nullopt, std::nullopt, -1, {0}},
    {1, 0, 1, -1, {}},
    {3, 5, 10, std::nullopt, {}},
    {3, -5, -4, std::nullopt, {}},
    {3, 10, std::nullopt, -1, {2, 1, 0}},
    {3, std::nullopt, -10, -1, {2, 1, 0}},
    {10, INT64_MIN, INT64_MAX, std::nullopt, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
    {10, INT64_MAX, INT64_MIN, -1, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
    {10, std::nullopt, std::nullopt, INT64_MIN, {9}},
    {10, std::nullopt, std::nullopt, INT64_MAX, {0}},
    {10, INT64_MIN, std::nullopt, INT64_MIN, {}},
    {10, 9, std::nullopt, INT64_MIN, {9}},
    {10, std::nullopt, std::nullopt, -INT64_MAX, {9}},
    {10, INT64_MAX, std::nullopt, 1, {}},
    {10, INT64_MIN, INT64_MIN, -1, {}},
    {7, -2, std::nullopt, -2, {5, 3, 1}},
    {7, std::nullopt, -2, 2, {0, 2, 4}},
};

}  // namespace

TEST(SliceResolve, MatchesCPythonTable) {
  for (const Case& c : kPythonTable) {
    const Slice s{c.start, c.stop, c.step};
    const SliceIndices r = resolve(s, c.length);
    EXPECT_EQ(indices_of(r), c.expected) << describe(c.length, s);
    EXPECT_EQ(r.length, c.expected.size()) << describe(c.length, s);
  }
}

TEST(SliceResolve, IndependentModelAgreesWithCPythonTable) {
  // The model used by the brute-force test must itself reproduce CPython's answers.
  for (const Case& c : kPythonTable)
    EXPECT_EQ(python_slice(static_cast<std::int64_t>(c.length), c.start, c.stop, c.step), c.expected)
        << describe(c.length, Slice{c.start, c.stop, c.step});
}

TEST(SliceResolve, BruteForceSmallLengthsAgainstModel) {
  std::vector<Opt> bounds{std::nullopt};
  for (std::int64_t v = -8; v <= 8; ++v) bounds.push_back(v);
  std::size_t checked = 0, mismatches = 0;
  for (std::int64_t n = 0; n <= 6; ++n)
    for (const Opt& start : bounds)
      for (const Opt& stop : bounds)
        for (std::int64_t step = -3; step <= 3; ++step) {
          if (step == 0) continue;
          const Slice s{start, stop, step};
          const auto expected = python_slice(n, start, stop, step);
          const auto got = indices_of(resolve(s, static_cast<std::size_t>(n)));
          ++checked;
          if (got != expected && ++mismatches <= 10) ADD_FAILURE() << describe(static_cast<std::size_t>(n), s);
        }
  EXPECT_EQ(mismatches, 0u);
  EXPECT_EQ(checked, 7u * 18u * 18u * 6u);
}

TEST(SliceResolve, OmittedStepMeansOne) {
  for (std::int64_t n = 0; n <= 6; ++n)
    for (std::int64_t a = -7; a <= 7; ++a)
      for (std::int64_t b = -7; b <= 7; ++b) {
        const auto with_none = indices_of(resolve(Slice{a, b, std::nullopt}, static_cast<std::size_t>(n)));
        const auto with_one = indices_of(resolve(Slice{a, b, 1}, static_cast<std::size_t>(n)));
        ASSERT_EQ(with_none, with_one) << n << " " << a << " " << b;
      }
}

TEST(SliceResolve, ExtremeBoundsAndStepsAgainstModel) {
  const std::vector<Opt> bounds{std::nullopt, INT64_MIN, INT64_MIN + 1, -(std::int64_t{1} << 62), -1, 0, 1,
                                std::int64_t{1} << 62, INT64_MAX - 1, INT64_MAX};
  const std::vector<std::int64_t> steps{INT64_MIN, INT64_MIN + 1, -(std::int64_t{1} << 62), -2, -1,
                                        1, 2, std::int64_t{1} << 62, INT64_MAX};
  for (std::int64_t n : {0, 1, 2, 7})
    for (const Opt& start : bounds)
      for (const Opt& stop : bounds)
        for (std::int64_t step : steps) {
          const Slice s{start, stop, step};
          EXPECT_EQ(indices_of(resolve(s, static_cast<std::size_t>(n))), python_slice(n, start, stop, step))
              << describe(static_cast<std::size_t>(n), s);
        }
}

TEST(SliceResolve, HugeLengthCountsWithoutMaterialising) {
  const std::size_t n = kHuge;
  EXPECT_EQ(resolve(Slice::all(), n).length, n);
  const SliceIndices every_third = resolve(Slice{std::nullopt, std::nullopt, 3}, n);
  EXPECT_EQ(every_third.length, (n + 2) / 3);
  EXPECT_EQ(every_third.at(every_third.length - 1), (n - 1) / 3 * 3);
  const SliceIndices backwards = resolve(Slice{std::nullopt, std::nullopt, -1}, n);
  EXPECT_EQ(backwards.length, n);
  EXPECT_EQ(backwards.at(0), n - 1);
  EXPECT_EQ(backwards.at(n - 1), 0u);
  EXPECT_EQ(resolve(Slice{-5, std::nullopt, std::nullopt}, n).start, static_cast<std::int64_t>(n - 5));
}

TEST(SliceResolve, ResolvedFieldsForEmptyAndReversedSlices) {
  const SliceIndices r = resolve(Slice{std::nullopt, std::nullopt, -2}, 5);
  EXPECT_EQ(r.start, 4);
  EXPECT_EQ(r.step, -2);
  EXPECT_EQ(r.length, 3u);
  EXPECT_EQ(r.at(2), 0u);
  EXPECT_EQ(resolve(Slice::range(5, 10), 3).length, 0u);  // a[5:10] on 3 elements: empty, no error
  EXPECT_EQ(resolve(Slice::all(), 0).length, 0u);
  // CPython clamps a step of -2**63 to -(2**63 - 1), so that -step does not overflow.
  EXPECT_EQ(resolve(Slice{std::nullopt, std::nullopt, INT64_MIN}, 4).step, -INT64_MAX);
}

TEST(SliceResolve, ZeroStepIsValueError) {
  for (std::size_t n : {0u, 1u, 10u}) {
    for (const Slice& s : {Slice{std::nullopt, std::nullopt, 0}, Slice::range(0, 5, 0), Slice{-1, INT64_MAX, 0}}) {
      try {
        resolve(s, n);
        ADD_FAILURE() << "no error for step 0: " << describe(n, s);
      } catch (const ValueError& e) {
        EXPECT_STREQ(e.what(), "slice step cannot be zero");
        EXPECT_EQ(e.kind(), ErrorKind::value);
      }
    }
  }
}

TEST(SliceIndex, NonNegativeIndicesAreThemselves) {
  for (std::size_t n = 1; n <= 8; ++n)
    for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(resolve_index(static_cast<std::int64_t>(i), n), i);
}

TEST(SliceIndex, NegativeIndicesCountFromTheEnd) {
  for (std::int64_t n = 1; n <= 8; ++n)
    for (std::int64_t i = -n; i < 0; ++i) EXPECT_EQ(resolve_index(i, static_cast<std::size_t>(n)), static_cast<std::size_t>(n + i));
  EXPECT_EQ(resolve_index(-1, kHuge), kHuge - 1);
}

TEST(SliceIndex, OutOfRangeIsIndexError) {
  const std::vector<std::pair<std::int64_t, std::size_t>> bad{
      {3, 3}, {-4, 3}, {0, 0}, {-1, 0}, {100, 3}, {INT64_MAX, 3}, {INT64_MIN, 3}, {INT64_MIN, 0}, {INT64_MAX, 0}};
  for (const auto& [index, n] : bad) {
    try {
      resolve_index(index, n);
      ADD_FAILURE() << "no IndexError for index " << index << " of " << n;
    } catch (const IndexError& e) {
      EXPECT_STREQ(e.what(), "invalid index");
      EXPECT_EQ(e.kind(), ErrorKind::index);
    }
  }
}

TEST(SliceRepr, PythonSubscriptText) {
  EXPECT_EQ(Slice::all().repr(), ":");
  EXPECT_EQ(Slice::range(1, 5, 2).repr(), "1:5:2");
  EXPECT_EQ((Slice{std::nullopt, std::nullopt, -1}).repr(), "::-1");
  EXPECT_EQ((Slice{-3, std::nullopt, std::nullopt}).repr(), "-3:");
  EXPECT_EQ((Slice{std::nullopt, 4, std::nullopt}).repr(), ":4");
}
