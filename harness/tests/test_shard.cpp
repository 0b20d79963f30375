// A split run (shard.hpp): K/N as the command line gives it, and the dealing of the run's
// units, which must make the N shards disjoint, together the whole run, and even.
#include <shmcheck/harness/results.hpp>
#include <shmcheck/harness/shard.hpp>

#include <shmcheck/error.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

using shmcheck::harness::parse_shard;
using shmcheck::harness::Results;
using shmcheck::harness::Shard;

TEST(Shard, KOfNIsParsed) {
  const Shard s = parse_shard("2/3");
  EXPECT_EQ(s.index, 2u);
  EXPECT_EQ(s.count, 3u);
  EXPECT_TRUE(parse_shard("1/1").whole());
  EXPECT_EQ(parse_shard("007/10").index, 7u);
}

TEST(Shard, AnythingElseIsAValueErrorNamingIt) {
  for (const std::string bad : {"0/3", "4/3", "1/0", "0/0", "x", "", "/", "2/", "/3", "1/3x", " 1/3", "+1/3", "-1/3", "1/3/5",
                                "1/100001", "99999999999999999999/3"}) {
    try {
      parse_shard(bad);
      ADD_FAILURE() << "'" << bad << "' was taken";
    } catch (const shmcheck::ValueError& e) {
      EXPECT_NE(std::string(e.what()).find("'" + bad + "' is not a shard"), std::string::npos) << e.what();
    }
  }
}

TEST(Shard, TheShardsOfARunAreDisjointTogetherTheRunAndEven) {
  constexpr std::size_t units = 23;
  for (std::size_t n = 1; n <= 5; ++n) {
    std::vector<int> taken(units, 0);
    std::vector<std::size_t> sizes;
    for (std::size_t k = 1; k <= n; ++k) {
      Results results("", 1, "shmcheck run", nlohmann::json::object());
      results.set_shard({k, n});
      std::size_t size = 0;
      for (std::size_t u = 0; u < units; ++u)
        if (results.deal()) {
          ++taken[u];
          ++size;
        }
      sizes.push_back(size);
    }
    for (std::size_t u = 0; u < units; ++u) EXPECT_EQ(taken[u], 1) << "unit " << u << " of " << n << " shards";
    for (const std::size_t size : sizes) EXPECT_LE(size - units / n, 1u) << n << " shards";
  }
}

TEST(Shard, AWholeRunTakesEveryUnit) {
  Results results("", 1, "shmcheck run", nlohmann::json::object());
  for (int u = 0; u < 10; ++u) EXPECT_TRUE(results.deal());
}
