// The reference on Windows (lib/src/windows/): what the POSIX-only test files check with fork,
// checked here with threads and with children started by CreateProcess (attach_child).
#include "windows/process.hpp"

#include <shmcheck/array.hpp>
#include <shmcheck/census.hpp>
#include <shmcheck/error.hpp>
#include <shmcheck/handle.hpp>
#include <shmcheck/lock.hpp>
#include <shmcheck/segment.hpp>
#include <shmcheck/typecode.hpp>

#include <gtest/gtest.h>
#include <windows.h>

#include <chrono>
#include <cstring>
#include <future>
#include <limits>
#include <thread>
#include <vector>

using namespace shmcheck;
using namespace std::chrono_literals;

namespace {

std::pair<int, std::string> attach_child(const std::string& handle, const std::vector<std::string>& args) {
  std::vector<std::string> argv{SHMCHECK_ATTACH_CHILD, handle};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::run(argv);
}

}  // namespace

TEST(WindowsSegment, IsAZeroFilledPagefileMappingOfTheAskedSize) {
  EXPECT_EQ(default_segment_backend(), SegmentBackend::pagefile);
  Segment s = Segment::create(10000);
  ASSERT_TRUE(s);
  EXPECT_EQ(s.size(), 10000u);
  const auto* p = static_cast<const unsigned char*>(s.data());
  for (std::size_t i = 0; i < s.size(); ++i) ASSERT_EQ(p[i], 0) << "byte " << i;
  EXPECT_THROW(Segment::create(100, SegmentBackend::memfd), OSError);
  EXPECT_THROW(Segment::create(0), ValueError);
}

TEST(WindowsSegment, AnAdoptedDuplicateHandleIsTheSameMemoryAndIdentity) {
  Segment s = Segment::create(5000);
  HANDLE dup = nullptr;
  ASSERT_TRUE(DuplicateHandle(GetCurrentProcess(), LongToHandle(s.fd()), GetCurrentProcess(), &dup, 0, FALSE, DUPLICATE_SAME_ACCESS));
  Segment t = Segment::adopt(static_cast<int>(HandleToLong(dup)));
  EXPECT_EQ(t.identity(), s.identity());
  EXPECT_EQ(t.size(), 5000u);
  EXPECT_NE(t.data(), s.data()) << "a second view";
  std::memcpy(s.data(), "written", 8);
  EXPECT_STREQ(static_cast<const char*>(t.data()), "written");
  EXPECT_NE(Segment::create(5000).identity(), s.identity());
}

TEST(WindowsSegment, AHandleThatIsNoSegmentIsRefused) {
  HANDLE other = CreateFileMappingW(INVALID_HANDLE_VALUE, nullptr, PAGE_READWRITE, 0, 4096, nullptr);
  ASSERT_NE(other, nullptr);
  EXPECT_THROW(Segment::adopt(static_cast<int>(HandleToLong(other))), RuntimeError);  // and closed
}

TEST(WindowsSegment, AnImpossibleSizeIsAnOSErrorNotACrash) {
  EXPECT_THROW(Segment::create(std::size_t{1} << 50), OSError);
}

TEST(WindowsLock, RecursiveDepthCountsUpAndDown) {
  Lock l = Lock::create();
  EXPECT_TRUE(l.acquire());
  EXPECT_TRUE(l.acquire());
  EXPECT_EQ(l.depth(), 2);
  EXPECT_TRUE(l.is_owned());
  l.release();
  l.release();
  EXPECT_EQ(l.depth(), 0);
  EXPECT_EQ(l.owner(), 0);
  EXPECT_THROW(l.release(), AssertionError);
}

TEST(WindowsLock, AnotherThreadCannotReleaseAndTimesOutWhileItIsHeld) {
  Lock l = Lock::create();
  l.acquire();
  std::thread t([&] {
    EXPECT_THROW(l.release(), AssertionError);
    EXPECT_FALSE(l.try_acquire());
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_FALSE(l.acquire(true, std::chrono::duration<double>(0.2)));
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 190ms);
    EXPECT_FALSE(l.acquire(true, std::chrono::duration<double>(-1)));  // negative: try once
  });
  t.join();
  EXPECT_EQ(l.depth(), 1);
  l.release();
}

TEST(WindowsLock, AHugeOrInfiniteTimeoutWaits) {
  Lock l = Lock::create();
  std::promise<void> held;
  std::thread holder([&] {
    l.acquire();
    held.set_value();
    std::this_thread::sleep_for(100ms);
    l.release();
  });
  held.get_future().wait();
  EXPECT_TRUE(l.acquire(true, std::chrono::duration<double>(1e10)));
  l.release();
  holder.join();
  EXPECT_TRUE(l.acquire(true, std::chrono::duration<double>(std::numeric_limits<double>::infinity())));
  l.release();
}

TEST(WindowsLock, ThreadsContendingForOneLockLoseNothing) {
  Value<long> v(0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 5000; ++i) {
        Guard g(v.get_lock());
        v.set_value(v.value() + 1);
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(v.value(), 20000);
}

// The claim that matters most: a process that dies holding the lock (TerminateProcess, as
// abrupt as SIGKILL) does not leave it held; the next acquirer gets it (WAIT_ABANDONED) and the
// death is counted where every process sees it.
TEST(WindowsLock, AChildKilledWhileHoldingTheLockIsRecovered) {
  Object v = make_value('i', Item(41));
  ExportedHandle h(v);
  test::Process child({SHMCHECK_ATTACH_CHILD, h.text(), "hold-lock"});
  ASSERT_TRUE(child.read_until("held")) << child.output();
  EXPECT_FALSE(v.get_lock().try_acquire()) << "the child holds it";
  child.kill();
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(v.get_lock().acquire(true, std::chrono::duration<double>(5.0)));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_EQ(v.get_lock().owner_deaths(), 1u);
  EXPECT_EQ(v.get_lock().depth(), 1);
  v.get_lock().release();
  EXPECT_EQ(v.value(), Item(41));
  v.set_value(Item(42));  // and it keeps working as a lock
  EXPECT_EQ(v.value(), Item(42));
}

// The same when nobody else had the kernel mutex open (this process never locked it): the
// object dies with its owner, and what the owner left in shared memory reports the death.
TEST(WindowsLock, AKilledOwnerIsRecoveredEvenWhenItsMutexObjectDiedWithIt) {
  Object v = make_value('i', Item(7));
  ExportedHandle h(v);
  test::Process child({SHMCHECK_ATTACH_CHILD, h.text(), "hold-lock"});
  ASSERT_TRUE(child.read_until("held")) << child.output();
  child.kill();
  ASSERT_TRUE(v.get_lock().acquire(true, std::chrono::duration<double>(5.0)));
  EXPECT_EQ(v.get_lock().owner_deaths(), 1u);
  v.get_lock().release();
}

TEST(WindowsHandle, AChildAttachesAndSeesTheSameBytes) {
  Object a = make_array('i', std::vector<Item>{Item(1), Item(-2), Item(3)});
  ExportedHandle h(a);
  const auto [rc, out] = attach_child(h.text(), {"read"});
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "1,-2,3");
}

TEST(WindowsHandle, AChildsWritesUnderTheLockAreSeenByTheParent) {
  Object v = make_value('q', Item(40));
  ExportedHandle h(v);
  const auto [rc, out] = attach_child(h.text(), {"add", "2"});
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(v.value(), Item(42));
}

TEST(WindowsHandle, TheHandleKeepsTheBlockAliveAfterTheSenderDropsIt) {
  std::string text;
  std::optional<ExportedHandle> h;
  {
    Object a = make_array('d', std::vector<Item>{Item(0.5), Item(1.5)});
    h.emplace(a);
    text = h->text();
  }
  Object other = make_array('d', std::vector<Item>{Item(9.0), Item(9.0)});  // must not reuse it
  const auto [rc, out] = attach_child(text, {"read"});
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "0.5,1.5");
}

TEST(WindowsHandle, SocketsCannotCarryObjects) {
  Object v = make_value('i', Item(1));
  EXPECT_THROW(send_object(0, v), OSError);
  EXPECT_THROW(receive_object(0), OSError);
}

TEST(WindowsBlock, FreedBlocksAreReusedAndZeroFilled) {
  void* first = nullptr;
  {
    Object a = make_array('i', 8, LockPolicy::none());
    a.set(0, Item(7));
    first = a.block().data();
  }
  Object b = make_array('i', 8, LockPolicy::none());
  EXPECT_EQ(b.block().data(), first);
  EXPECT_EQ(b.get(0), Item(0));
}

TEST(WindowsBlock, TenThousandCreateDestroyCyclesLeaveNothingBehind) {
  heap_trim();
  const Census before = take_census();
  for (int i = 0; i < 10000; ++i) {
    Object v = make_value('d', Item(1.5));
    Object a = make_array('i', 16);
    Array<long> t(8);
    t.set(0, i);
    ASSERT_EQ(t.get(0), i);
  }
  heap_trim();
  const Census after = take_census();
  EXPECT_EQ(census_growth(before, after), std::vector<std::string>{});
  EXPECT_EQ(after.open_fds, before.open_fds) << "handles: mappings and kernel mutexes";
  EXPECT_EQ(after.shared_map_lines, before.shared_map_lines);
  EXPECT_EQ(heap_stats().arenas, 0u);
}

TEST(WindowsBlock, TheCensusSeesAMappingWhileItLives) {
  heap_trim();
  const Census before = take_census();
  {
    Segment s = Segment::create(1 << 20);
    EXPECT_EQ(take_census().shared_map_lines, before.shared_map_lines + 1);
  }
  EXPECT_EQ(take_census().shared_map_lines, before.shared_map_lines);
}

TEST(WindowsBlock, TheCensusCountsHandles) {
  const Census before = take_census();
  Segment s = Segment::create(4096);
  const Census during = take_census();
  if (before.open_fds == 0 && during.open_fds == 0)
    GTEST_SKIP() << "unsupported: emulator: GetProcessHandleCount says 0 handles (wine's stub), so handles are not counted here";
  EXPECT_EQ(during.open_fds, before.open_fds + 1);
}

TEST(WindowsBlock, SeventyThousandLockedValuesFit) {
  // One kernel mutex handle per lock in this process: 70,000 of them, far below Windows'
  // per-process limit of about 16 million handles.
  std::vector<Value<int>> values;
  values.reserve(70000);
  for (int i = 0; i < 70000; ++i) values.emplace_back(i);
  EXPECT_LT(heap_stats().arenas, 40u);
  for (int i = 0; i < 70000; i += 997) EXPECT_EQ(values[i].value(), i);
}

TEST(WindowsTypecodes, LongIsFourBytesAndWcharIsOneUtf16Unit) {
  EXPECT_EQ(typecode('l').size, 4u);
  EXPECT_EQ(typecode('L').size, 4u);
  EXPECT_EQ(typecode('u').size, 2u);
  Object u = make_value('u', Item::str(U"\u00e9"));
  EXPECT_EQ(u.value(), Item::str(U"\u00e9"));
  u.set_value(Item::str(U"\uffff"));
  EXPECT_EQ(u.value(), Item::str(U"\uffff"));
  // Outside the BMP a character needs two UTF-16 units: one wchar_t cannot hold it.
  EXPECT_THROW(u.set_value(Item::str(U"\U0001F600")), TypeError);
  Object l = make_value('l', Item(Int(1) << 31));
  EXPECT_EQ(l.value(), Item(-(Int(1) << 31))) << "stored modulo 2^32";
}

// The POSIX test files that fork are not built on Windows; each says so here, once.
#define SHMCHECK_NOT_ON_WINDOWS(file, why)                                                      \
  TEST(NotOnWindows, file) { GTEST_SKIP() << "unsupported: " #file ".cpp " why; }
SHMCHECK_NOT_ON_WINDOWS(test_block, "forks (no fork on Windows); WindowsBlock here checks reuse, zero fill and the census")
SHMCHECK_NOT_ON_WINDOWS(test_lock, "forks (no fork on Windows); WindowsLock here checks recursion, ownership, timeouts and a killed owner")
SHMCHECK_NOT_ON_WINDOWS(test_lock_wait, "forks sleepers on glibc's futex wait; WindowsLock here checks a wait that times out and a killed owner")
SHMCHECK_NOT_ON_WINDOWS(test_concurrency, "forks (no fork on Windows); WindowsLock and WindowsBlock here check threads and 70,000 locks")
SHMCHECK_NOT_ON_WINDOWS(test_segment, "checks memfd, shm_open, /dev/shm and fork; WindowsSegment here checks the pagefile mapping")
SHMCHECK_NOT_ON_WINDOWS(test_handle, "forks and passes descriptors over unix sockets; WindowsHandle here uses CreateProcess")
SHMCHECK_NOT_ON_WINDOWS(test_processes, "forks (no fork on Windows): lifetime across fork has no Windows counterpart")
