// A split run (shard.hpp): K/N as the command line gives it, and the dealing of the run's
// units, which must make the N shards disjoint, together the whole run, and even.
#include <shmcheck/harness/results.hpp>
#include <shmcheck/harness/shard.hpp>

#include <shmcheck/error.hpp>

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <string>
#include <vector>

using shmcheck::harness::Dealer;
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

// A run of two suite loops (subjects x cases) and the audit (one unit), dealt to n shards.
TEST(Shard, TheShardsOfARunAreDisjointTogetherTheRunAndEvenPerSubjectAndPerCase) {
  struct Loop {
    std::size_t subjects, cases;
  };
  for (const auto& run : {std::vector<Loop>{{2, 101}, {2, 32}}, std::vector<Loop>{{13, 24}, {1, 7}}, std::vector<Loop>{{3, 12}, {4, 1}}})
    for (std::size_t n = 1; n <= 5; ++n) {
      std::vector<std::vector<std::vector<int>>> taken;  // [loop][subject][case]: shards that ran it
      for (const Loop& l : run) taken.emplace_back(l.subjects, std::vector<int>(l.cases, 0));
      int audits = 0;
      for (std::size_t k = 1; k <= n; ++k) {
        Dealer dealer({k, n});
        for (std::size_t i = 0; i < run.size(); ++i) {
          const auto mine = dealer.deal(run[i].subjects, run[i].cases);
          for (std::size_t s = 0; s < run[i].subjects; ++s) {
            std::size_t of_subject = 0;
            for (std::size_t c = 0; c < run[i].cases; ++c) {
              taken[i][s][c] += mine[s][c];
              of_subject += mine[s][c];
            }
            // Each subject's cases are spread evenly.
            EXPECT_LE(of_subject - run[i].cases / n, 1u) << "shard " << k << "/" << n << ", subject " << s;
          }
          // So are each case's subjects.
          for (std::size_t c = 0; c < run[i].cases; ++c) {
            std::size_t of_case = 0;
            for (std::size_t s = 0; s < run[i].subjects; ++s) of_case += mine[s][c];
            EXPECT_LE(of_case - run[i].subjects / n, 1u) << "shard " << k << "/" << n << ", case " << c;
          }
        }
        audits += dealer.deal_one();
      }
      EXPECT_EQ(audits, 1) << n << " shards";
      for (const auto& loop : taken)
        for (const auto& subject : loop)
          for (const int shards : subject) EXPECT_EQ(shards, 1) << "a unit in " << shards << " of " << n << " shards";
    }
}

TEST(Shard, AWholeRunTakesEveryUnit) {
  Dealer dealer;
  for (const auto& subject : dealer.deal(3, 10))
    for (const bool mine : subject) EXPECT_TRUE(mine);
  EXPECT_TRUE(dealer.deal_one());
}

TEST(Shard, TheResultsSayWhichShardTheRunIsAndDealToIt) {
  const std::string path = ::testing::TempDir() + "/shard-results-" + std::to_string(getpid()) + ".json";
  Results results(path, 1, "shmcheck run", nlohmann::json::object());
  results.set_shard(parse_shard("2/3"));
  EXPECT_EQ(results.dealer().deal(1, 3), (std::vector<std::vector<bool>>{{false, true, false}}));
  std::ifstream in(path);
  const auto doc = nlohmann::json::parse(in);
  std::remove(path.c_str());
  EXPECT_EQ(doc.at("run").at("shard"), (nlohmann::json{{"index", 2}, {"count", 3}}));
}
