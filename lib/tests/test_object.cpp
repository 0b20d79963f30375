// The run-time form (object.hpp): make_value / make_array / copy / synchronized and the
// Object methods, against CPython's Value/Array/RawValue/RawArray (doc sections 1.3, 1.4, 3).
#include <shmcheck/block.hpp>
#include <shmcheck/error.hpp>
#include <shmcheck/lock.hpp>
#include <shmcheck/object.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

using namespace shmcheck;

namespace {

Item b(const std::string& s) { return Item::bytes(s); }
std::vector<Item> ints(std::initializer_list<int> v) { return {v.begin(), v.end()}; }
std::vector<Item> contents(const Object& o) { return o.get(Slice::all()); }

// Runs `call`, expects an shmcheck error of `kind` whose message is `message`; it must be
// catchable both as shmcheck::Error and as the kind's own exception type.
template <ErrorKind K>
void expect_error(const std::function<void()>& call, const std::string& message) {
  try {
    call();
    ADD_FAILURE() << "no error, expected kind " << static_cast<int>(K) << ": " << message;
  } catch (const KindError<K>& e) {
    EXPECT_EQ(std::string(e.what()), message);
    const Error& base = e;
    EXPECT_EQ(base.kind(), K);
  } catch (const Error& e) {
    ADD_FAILURE() << "wrong kind " << static_cast<int>(e.kind()) << ": " << e.what() << " (expected " << message << ")";
  }
}

class ObjectPerTypecode : public ::testing::TestWithParam<char> {};

std::string code_name(const ::testing::TestParamInfo<char>& info) {
  return std::string(info.param >= 'a' ? "lower_" : "upper_") + info.param;
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(ObjectCodes, ObjectPerTypecode,
                         ::testing::ValuesIn(std::vector<char>(typecode_letters().begin(), typecode_letters().end())),
                         code_name);

TEST_P(ObjectPerTypecode, NewObjectsAreZeroFilled) {
  const Typecode& tc = typecode(GetParam());
  const Item zero = zero_item(tc);
  for (const LockPolicy& policy : {LockPolicy::own(), LockPolicy::none()}) {
    EXPECT_EQ(make_value(tc.code, Item(), policy).value(), zero);
    const Object a = make_array(tc.code, 37, policy);
    ASSERT_EQ(a.length(), 37u);
    for (std::size_t i = 0; i < 37; ++i) EXPECT_EQ(a.get(static_cast<std::int64_t>(i)), zero);
    for (std::size_t i = 0; i < 37 * tc.size; ++i) ASSERT_EQ(a.bytes()[i], std::byte{0});
  }
}

TEST_P(ObjectPerTypecode, ShapeTypecodeAndCount) {
  const Object v = make_value(GetParam());
  const Object a = make_array(GetParam(), 5, LockPolicy::none());
  EXPECT_EQ(&v.typecode(), &typecode(GetParam()));
  EXPECT_EQ(v.shape(), Shape::value);
  EXPECT_EQ(a.shape(), Shape::array);
  EXPECT_EQ(v.element_count(), 1u);
  EXPECT_EQ(a.element_count(), 5u);
  EXPECT_TRUE(v.is_synchronized());
  EXPECT_FALSE(a.is_synchronized());
  EXPECT_GE(a.block().size(), 5 * typecode(GetParam()).size);
}

TEST(ObjectCreate, InitializersAreConverted) {
  EXPECT_EQ(make_value('i', 7).value(), Item(7));
  EXPECT_EQ(make_value('d', 3).value(), Item(3.0));
  EXPECT_EQ(make_value('b', 200).value(), Item(-56));  // wraps, as ctypes
  EXPECT_EQ(make_value('c', 65).value(), b("A"));
  const Object d = make_array('d', {Item(1.5), Item(2), Item(-3.25)});
  EXPECT_EQ(contents(d), (std::vector<Item>{Item(1.5), Item(2.0), Item(-3.25)}));
  EXPECT_EQ(make_array('b', {Item(300)}).get(0), Item(44));
  const Object c = make_array('c', {b("a"), Item(66), b("c")});
  EXPECT_EQ(c.raw(), b("aBc"));
  EXPECT_EQ(make_array('i', std::vector<Item>{}).length(), 0u);
}

TEST(ObjectCreate, BadInitializerIsTypeError) {
  expect_error<ErrorKind::type>([] { make_array('i', {Item(1.5)}); }, "'float' object cannot be interpreted as an integer");
  expect_error<ErrorKind::type>([] { make_array('i', {Item(1), Item()}); },
                                "'NoneType' object cannot be interpreted as an integer");
  expect_error<ErrorKind::type>([] { make_array('c', {b("a"), b("bc")}); },
                                "one character bytes, bytearray or integer expected");
  expect_error<ErrorKind::type>([] { make_value('d', Item::str(U"3")); }, "must be real number, not str");
}

TEST(ObjectCreate, ZeroFilledAfterReuse) {
  // make, dirty, drop, make again: the reused memory must read as zero every time (#11675).
  const auto before = heap_stats();
  for (int round = 0; round < 6; ++round) {
    Object a = make_array('q', 16, LockPolicy::none());
    Object v = make_value('d', Item(), LockPolicy::none());
    for (std::size_t i = 0; i < 16; ++i) ASSERT_EQ(a.get(static_cast<std::int64_t>(i)), Item(0)) << "round " << round;
    ASSERT_EQ(v.value(), Item(0.0)) << "round " << round;
    a.set(Slice::all(), std::vector<Item>(16, Item(-1)));
    v.set_value(-2.5);
  }
  EXPECT_GE(heap_stats().reuses - before.reuses, 5u);  // the blocks really were reused
  for (int round = 0; round < 3; ++round) {  // large blocks (own segments) too
    Object big = make_array('B', 300000, LockPolicy::none());
    for (std::size_t i = 0; i < 300000; ++i) ASSERT_EQ(big.bytes()[i], std::byte{0}) << "round " << round << " byte " << i;
    big.set(-1, 255);
    std::fill(big.bytes(), big.bytes() + 300000, std::byte{0xee});
  }
}

TEST(ObjectCreate, NegativeSizeIsValueError) {
  expect_error<ErrorKind::value>([] { make_array('i', -1); }, "Array length must be >= 0, not -1");
  expect_error<ErrorKind::value>([] { make_array('i', -1, LockPolicy::none()); }, "Array length must be >= 0, not -1");
  expect_error<ErrorKind::value>([] { make_array('d', -5); }, "Array length must be >= 0, not -5");
  expect_error<ErrorKind::value>([] { make_array('c', INT64_MIN); },
                                 "Array length must be >= 0, not " + std::to_string(INT64_MIN));
}

TEST(ObjectCreate, HugeSizeIsOverflowError) {
  expect_error<ErrorKind::overflow>([] { make_array('i', std::int64_t{1} << 62, LockPolicy::none()); }, "array too large");
  expect_error<ErrorKind::overflow>([] { make_array('d', INT64_MAX); }, "array too large");
  expect_error<ErrorKind::overflow>([] { make_array('h', (INT64_MAX / 2) + 1); }, "array too large");
  // Beyond ptrdiff_t (Py_ssize_t) bytes: 2^62 ints wrap a 64-bit size_t to 0, 2^30 a 32-bit one.
  const auto wrapping = static_cast<std::int64_t>((std::numeric_limits<std::size_t>::max() >> 2) + 1);
  expect_error<ErrorKind::overflow>([&] { make_array('i', wrapping); }, "array too large");
}

TEST(ObjectCreate, BadTypecodeIsTypeError) {
  EXPECT_THROW(make_value('x'), TypeError);
  EXPECT_THROW(make_array('w', 3), TypeError);
  EXPECT_THROW(make_array('x', {Item(1)}), TypeError);
}

TEST(ObjectAccess, GetSetAndNegativeIndices) {
  for (const LockPolicy& policy : {LockPolicy::own(), LockPolicy::none()}) {
    Object a = make_array('i', ints({10, 20, 30}), policy);
    EXPECT_EQ(a.get(0), Item(10));
    EXPECT_EQ(a.get(-1), Item(30));
    EXPECT_EQ(a.get(-3), Item(10));
    a.set(-2, 99);
    a.set(2, Item(std::int64_t{1} << 33) );  // wraps: 2**33 -> 0
    EXPECT_EQ(contents(a), ints({10, 99, 0}));
    for (std::int64_t bad : {3, -4, 100}) {
      expect_error<ErrorKind::index>([&] { a.get(bad); }, "invalid index");
      expect_error<ErrorKind::index>([&] { a.set(bad, 1); }, "invalid index");
    }
    EXPECT_EQ(contents(a), ints({10, 99, 0}));
  }
}

TEST(ObjectAccess, SliceReadsAndWrites) {
  Object a = make_array('h', ints({0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(a.get(Slice::range(1, 5, 2)), ints({1, 3}));
  EXPECT_EQ(a.get(Slice{std::nullopt, std::nullopt, -1}), ints({5, 4, 3, 2, 1, 0}));
  EXPECT_EQ(a.get(Slice::range(5, 10)), ints({5}));
  EXPECT_TRUE(a.get(Slice::range(10, 20)).empty());  // out of range: empty, no error
  a.set(Slice{std::nullopt, std::nullopt, 2}, ints({-1, -2, -3}));
  EXPECT_EQ(contents(a), ints({-1, 1, -2, 3, -3, 5}));
  a.set(Slice{std::nullopt, std::nullopt, -3}, ints({50, 20}));
  EXPECT_EQ(contents(a), ints({-1, 1, 20, 3, -3, 50}));
  a.set(Slice::range(7, 9), {});  // empty slice, empty value: fine
  expect_error<ErrorKind::value>([&] { a.get(Slice{std::nullopt, std::nullopt, 0}); }, "slice step cannot be zero");
}

TEST(ObjectAccess, WrongLengthSliceAssignmentLeavesArrayUnchanged) {
  for (const LockPolicy& policy : {LockPolicy::own(), LockPolicy::none()}) {
    Object a = make_array('i', ints({1, 2, 3, 4}), policy);
    expect_error<ErrorKind::value>([&] { a.set(Slice::range(0, 3), ints({7, 8})); }, "Can only assign sequence of same size");
    expect_error<ErrorKind::value>([&] { a.set(Slice::range(0, 2), ints({7, 8, 9})); }, "Can only assign sequence of same size");
    expect_error<ErrorKind::value>([&] { a.set(Slice{std::nullopt, std::nullopt, 2}, ints({7})); },
                                   "Can only assign sequence of same size");
    EXPECT_EQ(contents(a), ints({1, 2, 3, 4}));
  }
}

TEST(ObjectAccess, BadItemStopsSliceAssignmentThereAsCtypes) {
  // CPython 3.11: a[0:3] = [1, 'x', 3] raises TypeError and leaves [1, 0, 0] (SEMANTICS.md).
  for (const LockPolicy& policy : {LockPolicy::own(), LockPolicy::none()}) {
    Object a = make_array('i', 3, policy);
    expect_error<ErrorKind::type>([&] { a.set(Slice::range(0, 3), {Item(1), Item::str(U"x"), Item(3)}); },
                                  "'str' object cannot be interpreted as an integer");
    EXPECT_EQ(contents(a), ints({1, 0, 0}));
    Object r = make_array('i', ints({1, 2, 3, 4}), policy);
    expect_error<ErrorKind::type>([&] { r.set(Slice{std::nullopt, std::nullopt, -1}, {Item(7), Item(8), Item(0.5), Item(9)}); },
                                  "'float' object cannot be interpreted as an integer");
    EXPECT_EQ(contents(r), ints({1, 2, 8, 7}));  // written in slice order, up to the bad one
  }
}

TEST(ObjectValue, ValueGetSetAndNoLengthOrIndexing) {
  Object v = make_value('d', 1.25);
  EXPECT_EQ(v.value(), Item(1.25));
  v.set_value(-4);
  EXPECT_EQ(v.value(), Item(-4.0));
  expect_error<ErrorKind::type>([&] { v.length(); }, "object of type 'Synchronized' has no len()");
  expect_error<ErrorKind::type>([&] { make_value('i', 0, LockPolicy::none()).length(); },
                                "object of type 'c_int' has no len()");
  expect_error<ErrorKind::type>([&] { v.get(0); }, "'Synchronized' object is not subscriptable");
  expect_error<ErrorKind::type>([&] { v.set(0, 1.0); }, "'Synchronized' object does not support item assignment");
  expect_error<ErrorKind::attribute>([&] { v.raw(); }, "'Synchronized' object has no attribute 'raw'");
  expect_error<ErrorKind::attribute>([] { make_array('i', 2).value(); },
                                     "'SynchronizedArray' object has no attribute 'value'");
}

TEST(ObjectCharArray, ValueStopsAtNulAndWritesATerminator) {
  for (const LockPolicy& policy : {LockPolicy::own(), LockPolicy::none()}) {
    Object a = make_array('c', {b("w"), b("x"), b("y"), b("z")}, policy);
    EXPECT_EQ(a.value(), b("wxyz"));
    a.set_value(b("ab"));  // doc 1.4: b'wxyz', .value = b'ab' -> .raw == b'ab\x00z'
    EXPECT_EQ(a.raw(), b(std::string("ab\0z", 4)));
    EXPECT_EQ(a.value(), b("ab"));
    EXPECT_EQ(a.get(2), b(std::string(1, '\0')));
    a.set_value(b("1234"));  // exactly the size: no terminator
    EXPECT_EQ(a.raw(), b("1234"));
    EXPECT_EQ(a.value(), b("1234"));
    expect_error<ErrorKind::value>([&] { a.set_value(b("12345")); }, "byte string too long");
    EXPECT_EQ(a.raw(), b("1234"));
    expect_error<ErrorKind::type>([&] { a.set_value(Item::str(U"ab")); }, "bytes expected instead of str instance");
    a.set_value(b(""));
    EXPECT_EQ(a.value(), b(""));
    EXPECT_EQ(a.raw(), b(std::string("\0" "234", 4)));
  }
}

TEST(ObjectCharArray, RawIsEveryByteAndAShortRawWritesAPrefix) {
  Object a = make_array('c', {b("a"), b("b"), Item(0), b("c"), b("d")});
  EXPECT_EQ(a.raw(), b(std::string("ab\0cd", 5)));
  EXPECT_EQ(a.value(), b("ab"));
  a.set_raw(b("XY"));
  EXPECT_EQ(a.raw(), b(std::string("XY\0cd", 5)));
  a.set_raw(b(std::string("\0\0\0\0\0", 5)));
  EXPECT_EQ(a.raw(), b(std::string(5, '\0')));
  expect_error<ErrorKind::value>([&] { a.set_raw(b("123456")); }, "byte string too long");
  EXPECT_THROW(a.set_raw(Item::str(U"x")), TypeError);
  EXPECT_EQ(a.get(Slice::range(0, 2)), (std::vector<Item>{b(std::string(1, '\0')), b(std::string(1, '\0'))}));
  expect_error<ErrorKind::attribute>([] { make_array('i', 3, LockPolicy::none()).raw(); },
                                     "'c_int_Array_3' object has no attribute 'raw'");
}

TEST(ObjectWideArray, SynchronizedHasNoValueButItsObjDoes) {
  Object a = make_array('u', {Item::str(U"a"), Item::str(U"b"), Item::str(U"c")});
  expect_error<ErrorKind::attribute>([&] { a.value(); }, "'SynchronizedArray' object has no attribute 'value'");
  EXPECT_EQ(a.get_obj().value(), Item::str(U"abc"));
  EXPECT_EQ(a.get(Slice::all()).size(), 3u);
  Object raw = make_array('u', 4, LockPolicy::none());
  raw.set_value(Item::str(U"hi"));
  EXPECT_EQ(raw.value(), Item::str(U"hi"));
  EXPECT_EQ(raw.get(1), Item::str(U"i"));
  expect_error<ErrorKind::value>([&] { raw.set_value(Item::str(U"12345")); }, "string too long");
  expect_error<ErrorKind::type>([&] { raw.set_value(b("x")); }, "unicode string expected instead of bytes instance");
}

TEST(ObjectRaw, RawObjectsHaveNoLockOrObj) {
  Object v = make_value('i', 1, LockPolicy::none());
  Object a = make_array('d', 2, LockPolicy::none());
  expect_error<ErrorKind::attribute>([&] { v.get_lock(); }, "'c_int' object has no attribute 'get_lock'");
  expect_error<ErrorKind::attribute>([&] { v.get_obj(); }, "'c_int' object has no attribute 'get_obj'");
  expect_error<ErrorKind::attribute>([&] { a.get_lock(); }, "'c_double_Array_2' object has no attribute 'get_lock'");
  expect_error<ErrorKind::attribute>([&] { a.get_obj(); }, "'c_double_Array_2' object has no attribute 'get_obj'");
}

TEST(ObjectTypeName, CPythonClassNames) {
  EXPECT_EQ(make_value('i').type_name(), "Synchronized");
  EXPECT_EQ(make_array('i', 3).type_name(), "SynchronizedArray");
  EXPECT_EQ(make_array('u', 3).type_name(), "SynchronizedArray");  // 'u' is not a String
  EXPECT_EQ(make_array('c', 3).type_name(), "SynchronizedString");
  EXPECT_EQ(make_value('c').type_name(), "Synchronized");
  EXPECT_EQ(make_value('i', 0, LockPolicy::none()).type_name(), "c_int");
  EXPECT_EQ(make_array('i', 3, LockPolicy::none()).type_name(), "c_int_Array_3");
  EXPECT_EQ(make_array('d', 0, LockPolicy::none()).type_name(), "c_double_Array_0");
  EXPECT_EQ(make_array('c', 3).get_obj().type_name(), "c_char_Array_3");
}

TEST(ObjectCopy, CopyOfSynchronizedIsTypeError) {
  const Object v = make_value('i', 5);
  expect_error<ErrorKind::type>([&] { copy(v); }, "this type has no size");
  expect_error<ErrorKind::type>([] { copy(make_array('i', 2)); }, "this type has no size");
  const Object c = copy(v.get_obj());  // the documented way
  EXPECT_FALSE(c.is_synchronized());
  EXPECT_EQ(c.value(), Item(5));
}

TEST(ObjectCopy, CopyIsIndependentInBothDirections) {
  Object a = make_array('i', ints({1, 2, 3}), LockPolicy::none());
  Object c = copy(a);
  EXPECT_EQ(contents(c), ints({1, 2, 3}));
  EXPECT_EQ(c.type_name(), "c_int_Array_3");
  a.set(0, 100);
  EXPECT_EQ(c.get(0), Item(1));
  c.set(1, 200);
  EXPECT_EQ(a.get(1), Item(2));
  Object v = make_value('d', 1.5, LockPolicy::none());
  Object cv = copy(v);
  v.set_value(2.5);
  EXPECT_EQ(cv.value(), Item(1.5));
  cv.set_value(3.5);
  EXPECT_EQ(v.value(), Item(2.5));
  EXPECT_FALSE(cv.block() == v.block());
}

TEST(ObjectSynchronized, WrapsSharingMemoryAndRefusesToWrapTwice) {
  Object raw = make_array('i', 3, LockPolicy::none());
  Object s = synchronized(raw);
  EXPECT_TRUE(s.is_synchronized());
  EXPECT_EQ(s.type_name(), "SynchronizedArray");
  raw.set(0, 11);
  EXPECT_EQ(s.get(0), Item(11));
  s.set(1, 22);
  EXPECT_EQ(raw.get(1), Item(22));
  EXPECT_TRUE(s.get_obj().block() == raw.block());
  expect_error<ErrorKind::assertion>([&] { synchronized(s); }, "object already synchronized");
  expect_error<ErrorKind::assertion>([] { synchronized(make_value('i')); }, "object already synchronized");
  Lock mine = Lock::create();
  EXPECT_TRUE(synchronized(make_value('i', 0, LockPolicy::none()), mine).get_lock() == mine);
}

TEST(ObjectSynchronized, GetObjSharesMemoryWithTheWrapper) {
  Object s = make_value('q', 1);
  Object inner = s.get_obj();
  EXPECT_FALSE(inner.is_synchronized());
  inner.set_value(-9);
  EXPECT_EQ(s.value(), Item(-9));
}

TEST(ObjectLockPolicy, SharedPolicyGivesTheSameLock) {
  Lock lock = Lock::create();
  Object a = make_array('i', 2, LockPolicy::shared(lock));
  Object v = make_value('d', 0.0, LockPolicy::shared(lock));
  EXPECT_TRUE(a.get_lock() == v.get_lock());
  EXPECT_TRUE(a.get_lock() == lock);
  Guard g(a.get_lock());
  EXPECT_EQ(v.get_lock().depth(), 1);  // one lock, seen through both objects
  EXPECT_TRUE(v.get_lock().is_owned());
  v.set_value(2.0);  // recursive: works while held
  EXPECT_EQ(lock.depth(), 1);
}

TEST(ObjectLockPolicy, OwnPolicyGivesEachObjectItsOwnLock) {
  Object a = make_array('i', 2);
  Object b2 = make_array('i', 2);
  EXPECT_FALSE(a.get_lock() == b2.get_lock());
  Guard g(a.get_lock());
  EXPECT_EQ(b2.get_lock().depth(), 0);
  EXPECT_FALSE(make_value('i', 0, LockPolicy::none()).is_synchronized());
}

TEST(ObjectLockPolicy, EachAccessTakesTheLockExactlyOnce) {
  Object a = make_array('i', 4);
  Lock& lock = a.get_lock();
  auto taken = [&](const std::function<void()>& f) {
    const auto before = lock.acquisitions();
    f();
    EXPECT_EQ(lock.depth(), 0);
    return lock.acquisitions() - before;
  };
  EXPECT_EQ(taken([&] { a.get(0); }), 1u);
  EXPECT_EQ(taken([&] { a.set(1, 5); }), 1u);
  EXPECT_EQ(taken([&] { a.get(Slice::all()); }), 1u);  // a snapshot under one hold
  EXPECT_EQ(taken([&] { a.set(Slice::all(), ints({1, 2, 3, 4})); }), 1u);
  EXPECT_EQ(taken([&] { a.length(); }), 0u);  // len() takes no lock
  EXPECT_EQ(taken([&] { a.set(1, a.get(1).as_int() + 1); }), 2u);  // += is two holds: not atomic
}

TEST(ObjectErrors, EveryErrorIsAnErrorOfTheRightKind) {
  const std::vector<std::pair<ErrorKind, std::function<void()>>> cases{
      {ErrorKind::index, [] { make_array('i', 1).get(1); }},
      {ErrorKind::type, [] { make_value('i', 1.5); }},
      {ErrorKind::type, [] { make_value('x'); }},
      {ErrorKind::value, [] { make_array('i', -1); }},
      {ErrorKind::value, [] { make_array('i', 2).set(Slice::all(), ints({1})); }},
      {ErrorKind::overflow, [] { make_array('q', INT64_MAX / 4); }},
      {ErrorKind::attribute, [] { make_value('i', 0, LockPolicy::none()).get_lock(); }},
      {ErrorKind::assertion, [] { synchronized(make_value('i')); }},
  };
  for (const auto& [kind, call] : cases) {
    try {
      call();
      ADD_FAILURE() << "no error, expected kind " << static_cast<int>(kind);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), kind) << e.what();
      const std::runtime_error& as_std = e;  // and a std::runtime_error, with its message
      EXPECT_STREQ(as_std.what(), e.what());
    }
  }
}
