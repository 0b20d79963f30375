// The seeded-fault mutants (drivers/mutant): every one starts and shakes hands, the mutable
// build without a fault is the reference, and every mutant whose fault the spec suite is
// expected to catch fails it (exit status 1).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct CliRun {
  int status;
  std::string out;
};

CliRun run(const std::string& cmd) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  std::string out;
  std::array<char, 512> buf;
  while (p && fgets(buf.data(), buf.size(), p)) out += buf.data();
  const int status = p ? pclose(p) : -1;
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

CliRun shmcheck(const std::string& args) { return run(std::string("'") + SHMCHECK_CLI + "' " + args); }

struct Mutant {
  std::string name, suite, description;
};

std::vector<Mutant> mutants() {
  const CliRun r = run(std::string("'") + SHMCHECK_MUTANT + "' --list");
  EXPECT_EQ(r.status, 0) << r.out;
  std::vector<Mutant> out;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    Mutant m;
    std::istringstream fields(line);
    std::getline(fields, m.name, '\t');
    std::getline(fields, m.suite, '\t');
    std::getline(fields, m.description);
    out.push_back(m);
  }
  return out;
}

}  // namespace

TEST(Mutants, TheTableHasAtLeastSixteenNamedFaultsEachWithASuite) {
  const auto all = mutants();
  EXPECT_GE(all.size(), 16u);
  std::set<std::string> names;
  for (const auto& m : all) {
    EXPECT_TRUE(names.insert(m.name).second) << "duplicate " << m.name;
    EXPECT_TRUE(m.suite == "spec" || m.suite == "property" || m.suite == "stress" || m.suite == "lifetime") << m.name << ": " << m.suite;
    EXPECT_FALSE(m.description.empty()) << m.name;
  }
}

TEST(Mutants, EveryMutantStartsAndAnswersHello) {
  const CliRun r = shmcheck("list impls --impl mutant:all");
  EXPECT_EQ(r.status, 0) << r.out;
  for (const auto& m : mutants()) {
    EXPECT_NE(r.out.find("mutant:" + m.name + " "), std::string::npos) << m.name;
    EXPECT_NE(r.out.find("shmcheck-mutant "), std::string::npos);
    EXPECT_NE(r.out.find("+" + m.name + "\n"), std::string::npos) << m.name << " does not say its fault in its version";
    EXPECT_NE(r.out.find("fault: " + m.description), std::string::npos) << m.name;
  }
}

TEST(Mutants, WithoutAFaultTheMutableBuildPassesTheSpecSuite) {
  // The control: what kills a mutant is its fault, not the second build.
  const CliRun r = shmcheck(std::string("run --impl 'exec:") + SHMCHECK_MUTANT + " none' --seed 1");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find(" 0 fail"), std::string::npos) << r.out;
}

TEST(Mutants, TheSpecSuiteKillsEveryMutantExpectedToBeCaughtByIt) {
  int spec_mutants = 0;
  for (const auto& m : mutants()) {
    if (m.suite != "spec") continue;
    ++spec_mutants;
    const CliRun r = shmcheck("run --impl mutant:" + m.name + " --seed 1");
    EXPECT_EQ(r.status, 1) << "mutant " << m.name << " (" << m.description << ") survived the spec suite:\n" << r.out;
  }
  EXPECT_GT(spec_mutants, 0);
}

TEST(Mutants, AnUnknownMutantIsBadUsage) {
  const CliRun r = shmcheck("run --impl mutant:no_such_fault");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("no_such_fault"), std::string::npos) << r.out;
}
