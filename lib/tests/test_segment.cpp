// Segment: both backends, nothing named left behind, even after SIGKILL of the creator.
#include "support/child.hpp"
#include "support/own_census.hpp"

#include <shmcheck/census.hpp>
#include <shmcheck/error.hpp>
#include <shmcheck/segment.hpp>

#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <limits>

using namespace shmcheck;

class SegmentBackends : public ::testing::TestWithParam<SegmentBackend> {};

TEST_P(SegmentBackends, CreatesZeroFilledSharedMemoryWithNoName) {
  const Census before = test::own(take_census());
  {
    Segment s = Segment::create(1 << 16, GetParam());
    ASSERT_TRUE(s);
    EXPECT_GE(s.size(), std::size_t{1} << 16);
    const auto* p = static_cast<const unsigned char*>(s.data());
    for (std::size_t i = 0; i < s.size(); i += 997) ASSERT_EQ(p[i], 0);
    EXPECT_EQ(test::own(take_census()).dev_shm, before.dev_shm) << "a name is visible in /dev/shm";
  }
  EXPECT_EQ(census_growth(before, test::own(take_census())), std::vector<std::string>{});
}

TEST_P(SegmentBackends, TheCensusCountsItsMappingAsSharedAndAPrivateArenaNot) {
  const Census before = test::own(take_census());
  Segment s = Segment::create(1 << 16, GetParam());
  EXPECT_EQ(take_census().shared_map_lines, before.shared_map_lines + 1);
  // Fenced by a PROT_NONE page on each side: the kernel merges an anonymous mapping into a
  // read-write neighbour of the same kind, leaving the line count as it was (under
  // AddressSanitizer, whose allocator keeps such mappings everywhere, it did: ci/sanitize).
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE)), size = (1 << 20) + 2 * page;
  auto* arena = static_cast<char*>(mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(static_cast<void*>(arena), MAP_FAILED);
  ASSERT_EQ(mprotect(arena, page, PROT_NONE), 0);
  ASSERT_EQ(mprotect(arena + size - page, page, PROT_NONE), 0);
  const Census with_arena = test::own(take_census());
  EXPECT_EQ(with_arena.shared_map_lines, before.shared_map_lines + 1) << "a private arena is not shared memory";
  EXPECT_GT(with_arena.map_lines, before.map_lines);
  munmap(arena, size);
}

TEST_P(SegmentBackends, ForkedChildWritesAreSeen) {
  Segment s = Segment::create(4096, GetParam());
  const auto end = test::run_in_child([&]() -> int {
    std::memcpy(s.data(), "shared", 7);
    return 0;
  });
  ASSERT_TRUE(end.ok());
  EXPECT_STREQ(static_cast<const char*>(s.data()), "shared");
}

TEST_P(SegmentBackends, SigkilledCreatorLeavesNothingNamed) {
  const Census before = test::own(take_census());
  test::Signal made;
  test::Child c([&]() -> int {
    Segment s = Segment::create(1 << 20, GetParam());
    static_cast<char*>(s.data())[0] = 1;
    made.notify();
    for (;;) pause();
  });
  ASSERT_TRUE(made.wait());
  c.kill(SIGKILL);
  EXPECT_EQ(c.wait().signal, SIGKILL);
  const Census after = test::own(take_census());
  EXPECT_EQ(after.dev_shm, before.dev_shm);
  EXPECT_EQ(after.sysv_segments, before.sysv_segments);
}

TEST_P(SegmentBackends, AdoptedDescriptorMapsTheSameObject) {
  Segment s = Segment::create(4096, GetParam());
  std::memcpy(s.data(), "abc", 4);
  Segment t = Segment::adopt(dup(s.fd()));
  EXPECT_EQ(t.identity(), s.identity());
  EXPECT_STREQ(static_cast<const char*>(t.data()), "abc");
}

INSTANTIATE_TEST_SUITE_P(Backends, SegmentBackends,
                         ::testing::Values(SegmentBackend::memfd, SegmentBackend::shm_open),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(Segment, ImpossibleSizeIsAnOSErrorNotACrash) {
  try {
    // Half the address space plus one byte: 2^63 bytes on a 64-bit ABI, 2^31 on a 32-bit one.
    Segment::create(std::numeric_limits<std::size_t>::max() / 2 + 1);
    FAIL() << "a segment of half the address space was created";
  } catch (const OSError& e) {
    EXPECT_EQ(e.error_number(), ENOSPC);
  }
}

TEST(Segment, ZeroSizeIsRefused) { EXPECT_THROW(Segment::create(0), ValueError); }

TEST(Segment, DescriptorIsCloseOnExec) {
  Segment s = Segment::create(4096);
  EXPECT_NE(fcntl(s.fd(), F_GETFD) & FD_CLOEXEC, 0) << "arena descriptors must not leak into exec'ed programs";
}
