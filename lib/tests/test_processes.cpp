// Real processes: what a forked child and its parent see of each other's writes, and how
// long shared memory lives.
#include "support/child.hpp"

#include <shmcheck/array.hpp>
#include <shmcheck/object.hpp>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

using namespace shmcheck;
using namespace std::chrono_literals;
using test::run_in_child;

TEST(Processes, ParentSeesChildWritesForEveryTypecode) {
  for (char code : typecode_letters()) {
    Object a = make_array(code, 3);
    const Typecode& tc = a.typecode();
    const Item v = tc.is_integer() ? Item(tc.max) : tc.is_float() ? Item(2.5)
                   : code == 'c' ? Item::bytes("z") : Item::str(U"z");
    const auto end = run_in_child([&]() -> int {
      a.set(1, v);
      return 0;
    });
    ASSERT_TRUE(end.ok()) << code << ": " << end.describe();
    EXPECT_EQ(a.get(1), v) << "typecode " << code;
    EXPECT_EQ(a.get(0), zero_item(tc)) << "typecode " << code;
  }
}

TEST(Processes, ChildSeesWritesParentMakesAfterTheFork) {
  Value<long long> v(0);  // wider than 32 bits on every ABI (long is not)
  test::Signal written;
  test::Child c([&]() -> int {
    if (!written.wait()) return 2;
    return v.value() == 1234567890123LL ? 0 : 1;
  });
  v.set_value(1234567890123LL);
  written.notify();
  EXPECT_TRUE(c.wait().ok());
}

TEST(Processes, TwoChildrenShareOneArrayWithItsLock) {
  Array<int> a(4);
  auto work = [&]() -> int {
    for (int i = 0; i < 10000; ++i) {
      Guard g(a.get_lock());  // held: a[0] += 1 is atomic
      a[0] += 1;
    }
    return 0;
  };
  test::Child x(work), y(work);
  EXPECT_TRUE(x.wait().ok());
  EXPECT_TRUE(y.wait().ok());
  EXPECT_EQ(a.get(0), 20000);
}

TEST(Processes, FetchAddIsAtomicAcrossProcesses) {
  RawArray<long long> a(2);
  auto work = [&]() -> int {
    for (int i = 0; i < 50000; ++i) a.fetch_add(1, 1);
    return 0;
  };
  test::Child x(work), y(work);
  EXPECT_TRUE(x.wait().ok());
  EXPECT_TRUE(y.wait().ok());
  EXPECT_EQ(a.get(1), 100000);
  EXPECT_EQ(a.get(0), 0);
}

TEST(Processes, ChildThatOutlivesItsParentStillReadsTheData) {
  // parent P forks middle M; M creates the array, forks grandchild G, drops its handle and
  // exits. G reads after M is gone and reports to P through a pipe.
  int report[2], alive[2];
  ASSERT_EQ(pipe(report), 0);
  ASSERT_EQ(pipe(alive), 0);  // M holds the write end: EOF in G means M has exited
  const auto middle = run_in_child([&]() -> int {
    int rc = 0;
    {
      RawArray<int> a{7, 42, 9};
      const pid_t g = fork();
      if (g == 0) {
        close(report[0]);
        close(alive[1]);
        char b;
        const bool creator_gone = read(alive[0], &b, 1) == 0;
        const int seen = creator_gone ? a.get(1) : -1;
        if (write(report[1], &seen, sizeof seen) != sizeof seen) _exit(3);
        _exit(0);
      }
      rc = g > 0 ? 0 : 4;
    }  // M drops its handle before exiting
    return rc;
  });
  close(alive[0]);
  close(alive[1]);
  ASSERT_TRUE(middle.ok()) << middle.describe();
  close(report[1]);
  int seen = 0;
  ASSERT_EQ(read(report[0], &seen, sizeof seen), static_cast<ssize_t>(sizeof seen));
  close(report[0]);
  EXPECT_EQ(seen, 42);
}

TEST(Processes, BlockDroppedByParentIsNotReusedWhileChildHoldsIt) {
  // CPython gh-110660: the parent's last reference goes, the next Value gets the same block,
  // and two logically separate objects alias. The reference counts the child's reference.
  test::Signal parent_done, child_done;
  std::optional<Value<int>> v(std::in_place, 111);
  test::Child c([&]() -> int {
    if (!parent_done.wait()) return 2;
    const int seen = v->value();
    v->set_value(222);
    child_done.notify();
    return seen == 111 ? 0 : 1;
  });
  const void* old_address = v->get_obj().data();
  v.reset();  // the parent's last handle
  Value<int> fresh(0);
  EXPECT_NE(static_cast<const void*>(fresh.get_obj().data()), old_address) << "block reused while a child held it";
  parent_done.notify();
  ASSERT_TRUE(child_done.wait());
  EXPECT_EQ(fresh.value(), 0) << "the child's write landed in the new object";
  EXPECT_TRUE(c.wait().ok());
}

TEST(Processes, BlockIsReusedOnceTheLastHolderAnywhereDropsIt) {
  std::optional<RawValue<int>> keep(std::in_place, 0);  // keeps the arena mapped here
  std::optional<RawValue<int>> v(std::in_place, 5);
  const void* address = v->data();
  const auto end = run_in_child([&]() -> int {
    v.reset();  // the child drops its reference first
    return 0;
  });
  ASSERT_TRUE(end.ok());
  v.reset();  // now the last holder is gone
  RawValue<int> next(0);
  EXPECT_EQ(static_cast<const void*>(next.data()), address);
  EXPECT_EQ(next.value(), 0);
}
