// The typed templates (raw_array.hpp, array.hpp): RawArray<T>, Array<T>, RawValue<T>,
// Value<T> for every element type, the a[i] proxy, fetch_add, copy and synchronized, 'c'
// arrays, and how the recursive lock nests inside a Guard.
#include <shmcheck/array.hpp>
#include <shmcheck/block.hpp>
#include <shmcheck/error.hpp>
#include <shmcheck/lock.hpp>
#include <shmcheck/raw_array.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

using namespace shmcheck;

namespace {

template <class T>
T v(int k) {
  return static_cast<T>(k);
}

template <class T>
std::vector<T> vs(std::initializer_list<int> ks) {
  std::vector<T> out;
  for (int k : ks) out.push_back(v<T>(k));
  return out;
}

struct ElementName {
  template <class T>
  static std::string GetName(int) {
    const char c = typecode_of<T>;
    return std::string("code_") + (c >= 'a' ? "lower_" : "upper_") + c;
  }
};

template <class T>
class TypedElement : public ::testing::Test {};
using AllElements = ::testing::Types<char, wchar_t, signed char, unsigned char, short, unsigned short, int,
                                     unsigned int, long, unsigned long, long long, unsigned long long, float, double>;
TYPED_TEST_SUITE(TypedElement, AllElements, ElementName);

template <class T>
class TypedInteger : public ::testing::Test {};
using IntegerElements = ::testing::Types<signed char, unsigned char, short, unsigned short, int, unsigned int, long,
                                         unsigned long, long long, unsigned long long>;
TYPED_TEST_SUITE(TypedInteger, IntegerElements, ElementName);

// How many first-level acquisitions of `lock` running `f` makes.
std::uint64_t holds(Lock& lock, const std::function<void()>& f) {
  const auto before = lock.acquisitions();
  f();
  return lock.acquisitions() - before;
}

}  // namespace

TYPED_TEST(TypedElement, NewObjectsAreZeroFilled) {
  using T = TypeParam;
  static_assert(RawArray<T>::typecode == typecode_of<T> && Array<T>::typecode == typecode_of<T>);
  RawArray<T> raw(9);
  Array<T> locked(9);
  ASSERT_EQ(raw.size(), 9u);
  ASSERT_EQ(locked.size(), 9u);
  EXPECT_EQ(raw.get(Slice::all()), std::vector<T>(9, T{}));
  EXPECT_EQ(locked.get(Slice::all()), std::vector<T>(9, T{}));
  EXPECT_EQ(RawValue<T>().value(), T{});
  EXPECT_EQ(Value<T>().value(), T{});
  EXPECT_EQ(RawArray<T>(0).size(), 0u);
}

TYPED_TEST(TypedElement, InitializerListGetSetAndNegativeIndices) {
  using T = TypeParam;
  RawArray<T> a{v<T>(1), v<T>(2), v<T>(3)};
  Array<T> s{v<T>(4), v<T>(5), v<T>(6)};
  EXPECT_EQ(a.get(0), v<T>(1));
  EXPECT_EQ(a.get(-1), v<T>(3));
  EXPECT_EQ(s.get(-3), v<T>(4));
  a.set(-2, v<T>(20));
  s.set(2, v<T>(60));
  EXPECT_EQ(a.get(Slice::all()), vs<T>({1, 20, 3}));
  EXPECT_EQ(s.get(Slice::all()), vs<T>({4, 5, 60}));
  EXPECT_EQ(std::as_const(a)[1], v<T>(20));
  EXPECT_THROW(a.get(3), IndexError);
  EXPECT_THROW(s.get(-4), IndexError);
  EXPECT_THROW(s.set(3, v<T>(1)), IndexError);
  EXPECT_EQ(s.get(Slice::all()), vs<T>({4, 5, 60}));
}

TYPED_TEST(TypedElement, SlicesReadWriteAndRefuseWrongLengths) {
  using T = TypeParam;
  Array<T> a{v<T>(0), v<T>(1), v<T>(2), v<T>(3), v<T>(4), v<T>(5)};
  EXPECT_EQ(a.get(Slice::range(1, 5, 2)), vs<T>({1, 3}));
  EXPECT_EQ(a.get(Slice{std::nullopt, std::nullopt, -2}), vs<T>({5, 3, 1}));
  EXPECT_TRUE(a.get(Slice::range(6, 10)).empty());
  a.set(Slice{std::nullopt, std::nullopt, -1}, {v<T>(9), v<T>(8), v<T>(7), v<T>(6), v<T>(5), v<T>(4)});
  EXPECT_EQ(a.get(Slice::all()), vs<T>({4, 5, 6, 7, 8, 9}));
  EXPECT_THROW(a.set(Slice::range(0, 3), {v<T>(1), v<T>(2)}), ValueError);
  EXPECT_THROW(a.get(Slice{std::nullopt, std::nullopt, 0}), ValueError);
  EXPECT_EQ(a.get(Slice::all()), vs<T>({4, 5, 6, 7, 8, 9}));
  RawArray<T> r(3);
  const std::vector<T> three = vs<T>({7, 8, 9});
  r.set(Slice::all(), std::span<const T>(three));
  EXPECT_EQ(r.get(Slice::all()), three);
}

TYPED_TEST(TypedElement, ElementRefAssignsAndUpdates) {
  using T = TypeParam;
  Array<T> a(3);
  a[0] = v<T>(5);
  a[1] += v<T>(3);
  a[1] += v<T>(1);
  a[-1] = v<T>(9);
  a[-1] -= v<T>(2);
  EXPECT_EQ(a.get(Slice::all()), vs<T>({5, 4, 7}));
  a[0] = a[2];  // reads one element, writes the other
  EXPECT_EQ(T(a[0]), v<T>(7));
  RawArray<T> r(2);
  r[1] += v<T>(2);
  EXPECT_EQ(T(r[1]), v<T>(2));
  EXPECT_THROW(a[3] = v<T>(1), IndexError);
}

TYPED_TEST(TypedElement, CopyIsIndependentInBothDirections) {
  using T = TypeParam;
  RawArray<T> a{v<T>(1), v<T>(2)};
  RawArray<T> c = copy(a);
  EXPECT_NE(c.data(), a.data());
  EXPECT_EQ(c.get(Slice::all()), vs<T>({1, 2}));
  a.set(0, v<T>(10));
  c.set(1, v<T>(20));
  EXPECT_EQ(a.get(Slice::all()), vs<T>({10, 2}));
  EXPECT_EQ(c.get(Slice::all()), vs<T>({1, 20}));
  RawValue<T> x(v<T>(3));
  RawValue<T> y = copy(x);
  x.set_value(v<T>(4));
  EXPECT_EQ(y.value(), v<T>(3));
  y.set_value(v<T>(5));
  EXPECT_EQ(x.value(), v<T>(4));
}

TYPED_TEST(TypedElement, SynchronizedAndHandleCopiesShareMemory) {
  using T = TypeParam;
  RawArray<T> raw(2);
  Array<T> s = synchronized(raw);
  EXPECT_EQ(s.get_obj().data(), raw.data());
  raw.set(0, v<T>(7));
  EXPECT_EQ(s.get(0), v<T>(7));
  s.set(1, v<T>(8));
  EXPECT_EQ(raw.get(1), v<T>(8));
  RawArray<T> handle = raw;  // a C++ copy is another handle to the same memory
  handle.set(0, v<T>(1));
  EXPECT_EQ(s.get(0), v<T>(1));
  RawValue<T> rv(v<T>(2));
  Value<T> sv = synchronized(rv);
  sv.set_value(v<T>(6));
  EXPECT_EQ(rv.value(), v<T>(6));
  EXPECT_EQ(sv.get_obj().data(), rv.data());
}

TYPED_TEST(TypedInteger, FetchAddReturnsTheOldValueAndWraps) {
  using T = TypeParam;
  RawArray<T> raw(2);
  Array<T> locked(2);
  EXPECT_EQ(raw.fetch_add(1, T(5)), T(0));
  EXPECT_EQ(raw.fetch_add(-1, T(2)), T(5));
  EXPECT_EQ(raw.get(1), T(7));
  EXPECT_EQ(locked.fetch_add(0, T(3)), T(0));
  EXPECT_EQ(holds(locked.get_lock(), [&] { locked.fetch_add(0, T(1)); }), 0u);  // lock-free
  EXPECT_EQ(locked.get(0), T(4));
  EXPECT_THROW(locked.fetch_add(2, T(1)), IndexError);
  Value<T> val(std::numeric_limits<T>::max());
  EXPECT_EQ(val.fetch_add(T(1)), std::numeric_limits<T>::max());
  EXPECT_EQ(val.value(), std::numeric_limits<T>::min());  // wraps, as a ctypes store would
  RawValue<T> rv;
  rv.fetch_add(T(9));
  EXPECT_EQ(rv.value(), T(9));
}

TEST(TypedCreate, NegativeAndHugeLengths) {
  try {
    RawArray<int> a(-1);
    FAIL() << "no error for length -1";
  } catch (const ValueError& e) {
    EXPECT_STREQ(e.what(), "Array length must be >= 0, not -1");
  }
  try {
    Array<double> a(INT64_MAX / 8 + 1);
    FAIL() << "no error for a too large array";
  } catch (const OverflowError& e) {
    EXPECT_STREQ(e.what(), "array too large");
    EXPECT_EQ(e.kind(), ErrorKind::overflow);
  }
  EXPECT_THROW(Array<short>(-3), ValueError);
}

TEST(TypedCreate, ZeroFilledAfterReuse) {
  for (int round = 0; round < 5; ++round) {
    RawArray<long long> a(12);
    Value<double> d;
    for (std::size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a.data()[i], 0) << "round " << round;
    ASSERT_EQ(d.value(), 0.0) << "round " << round;
    for (auto& x : a.span()) x = -1;
    d.set_value(1.5);
  }
}

TEST(TypedCreate, SpanConstructorAndBlockHandle) {
  const std::vector<unsigned short> init{1, 2, 65535};
  RawArray<unsigned short> a{std::span<const unsigned short>(init)};
  EXPECT_EQ(a.get(Slice::all()), init);
  EXPECT_EQ(a.span().size(), 3u);
  RawArray<unsigned short> view(a.block(), 2);  // a handle to the first two elements
  EXPECT_EQ(view.size(), 2u);
  view.set(1, 7);
  EXPECT_EQ(a.get(1), 7);
  EXPECT_TRUE(view.block() == a.block());
}

TEST(TypedCharArray, ValueAndRawFollowCtypes) {
  RawArray<char> raw{'w', 'x', 'y', 'z'};
  Array<char> locked{'w', 'x', 'y', 'z'};
  EXPECT_EQ(raw.value(), "wxyz");
  raw.set_value("ab");  // doc 1.4: raw becomes b'ab\x00z'
  locked.set_value("ab");
  EXPECT_EQ(raw.raw(), std::string("ab\0z", 4));
  EXPECT_EQ(locked.raw(), std::string("ab\0z", 4));
  EXPECT_EQ(raw.value(), "ab");
  EXPECT_EQ(locked.value(), "ab");
  locked.set_value("1234");  // exactly the size: no terminator
  EXPECT_EQ(locked.raw(), "1234");
  EXPECT_THROW(locked.set_value("12345"), ValueError);
  EXPECT_THROW(raw.set_raw("12345"), ValueError);
  EXPECT_EQ(locked.raw(), "1234");
  locked.set_raw("X");  // a shorter raw writes only a prefix
  EXPECT_EQ(locked.raw(), "X234");
  raw.set_raw(std::string("\0\0", 2));
  EXPECT_EQ(raw.value(), "");
  EXPECT_EQ(raw.raw(), std::string("\0\0\0z", 4));
}

TEST(TypedLock, GuardNestsBecauseTheLockIsRecursive) {
  Array<int> a{1, 2, 3};
  EXPECT_EQ(a.get_lock().depth(), 0);
  {
    Guard g(a.get_lock());
    EXPECT_EQ(a.get_lock().depth(), 1);
    EXPECT_TRUE(a.get_lock().is_owned());
    a[0] += 1;  // takes the lock again inside: depth 2, then back to 1
    EXPECT_EQ(a.get(0), 2);
    EXPECT_EQ(a.get_lock().depth(), 1);
    bool other_thread_got_it = true;
    std::thread([&] { other_thread_got_it = a.get_lock().try_acquire(); }).join();
    EXPECT_FALSE(other_thread_got_it);  // held: excluded
  }
  EXPECT_EQ(a.get_lock().depth(), 0);
  EXPECT_FALSE(a.get_lock().is_owned());
}

TEST(TypedLock, EachAccessTakesTheLockOnceAndPlusEqualsTwice) {
  Array<int> a(4);
  Value<long> val(0);
  Lock& lock = a.get_lock();
  EXPECT_EQ(holds(lock, [&] { a.get(0); }), 1u);
  EXPECT_EQ(holds(lock, [&] { a.set(0, 1); }), 1u);
  EXPECT_EQ(holds(lock, [&] { a.get(Slice::all()); }), 1u);
  EXPECT_EQ(holds(lock, [&] { a.set(Slice::range(0, 2), {5, 6}); }), 1u);
  EXPECT_EQ(holds(lock, [&] { a[1] += 1; }), 2u);  // a read and a write: not atomic
  EXPECT_EQ(holds(lock, [&] { (void)a.size(); }), 0u);
  EXPECT_EQ(holds(val.get_lock(), [&] { val.set_value(val.value() + 1); }), 2u);
  EXPECT_EQ(holds(lock, [&] { Guard g(lock); a[1] += 1; a[2] += 1; }), 1u);  // one outer hold
  EXPECT_EQ(a.get(Slice::all()), (std::vector<int>{5, 8, 1, 0}));
}

TEST(TypedLock, SharedLockBetweenObjects) {
  Lock shared = Lock::create();
  Array<int> a(2, shared);
  Value<double> d(0.5, shared);
  EXPECT_TRUE(a.get_lock() == d.get_lock());
  EXPECT_FALSE(a.get_lock() == Array<int>(2).get_lock());
  Guard g(d.get_lock());
  EXPECT_EQ(a.get_lock().depth(), 1);
  a.set(0, 3);
  d.set_value(1.5);
  EXPECT_EQ(shared.depth(), 1);
  EXPECT_EQ(a.get(0), 3);
  EXPECT_EQ(d.value(), 1.5);
}

TEST(TypedValue, ValueAndRawValueGetSet) {
  Value<double> d(2.5);
  EXPECT_EQ(d.value(), 2.5);
  d.set_value(-0.0);
  EXPECT_TRUE(std::signbit(d.value()));
  Value<float> f(0.1f);
  EXPECT_EQ(f.value(), 0.1f);
  RawValue<unsigned char> b(static_cast<unsigned char>(255));
  EXPECT_EQ(b.value(), 255);
  Value<long long> q(RawValue<long long>(-7));
  EXPECT_EQ(q.value(), -7);
  EXPECT_EQ(q.get_obj().value(), -7);
}
