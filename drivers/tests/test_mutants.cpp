// The seeded-fault mutants (drivers/mutant): every one starts and shakes hands, the mutable
// build without a fault is the reference, and every mutant whose fault the spec suite is
// expected to catch fails it (exit status 1).
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
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
    EXPECT_TRUE(m.suite == "spec" || m.suite == "property" || m.suite == "stress" || m.suite == "lifetime" || m.suite == "faults") << m.name << ": " << m.suite;
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

namespace {

std::vector<std::string> dev_shm_entries(const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator("/dev/shm"))
    if (e.path().filename().string().rfind(prefix, 0) == 0) out.push_back(e.path().filename().string());
  return out;
}

// Processes whose environment carries one of our harness's shm prefixes: its drivers and
// anything they started.
std::vector<std::string> processes_with(const std::string& env_entry) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    std::ifstream in(e.path() / "environ", std::ios::binary);
    const std::string env((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (env.find(env_entry) != std::string::npos) out.push_back(e.path().filename().string());
  }
  return out;
}

}  // namespace

TEST(Mutants, WhatAMutantLeavesInDevShmIsRemovedAndNothingOfItKeepsRunning) {
  // shm_name_left_behind never unlinks its shm_open names. The harness gives each driver a
  // prefix (shmcheck-<harness pid>-<n>-) and removes what is left under it when it stops it.
  const std::string out_path = ::testing::TempDir() + "/shm-left-behind.out";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 1);
    dup2(fd, 2);
    execl(SHMCHECK_CLI, SHMCHECK_CLI, "run", "--impl", "mutant:shm_name_left_behind", "--seed", "1", static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  std::ifstream in(out_path);
  const std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_TRUE(WIFEXITED(status)) << out;
  EXPECT_EQ(WEXITSTATUS(status), 0) << out;  // a lifetime fault: the spec suite passes it
  const std::string ours = "shmcheck-" + std::to_string(pid) + "-";
  // It did leave names behind (else this test proves nothing), and they were removed.
  EXPECT_NE(out.find("mutant:shm_name_left_behind left "), std::string::npos) << out;
  EXPECT_NE(out.find("behind in the spec suite, removed: " + ours), std::string::npos) << out;
  EXPECT_EQ(dev_shm_entries(ours), std::vector<std::string>{});
  EXPECT_EQ(processes_with("SHMCHECK_SHM_PREFIX=" + ours), std::vector<std::string>{});
}
