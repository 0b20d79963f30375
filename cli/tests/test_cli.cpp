// The shmcheck command line: version, typecode table, the spec suite and its exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace {

struct CliRun {
  int status;
  std::string out;
};

CliRun shmcheck(const std::string& args) {
  const std::string cmd = std::string("'") + SHMCHECK_CLI + "' " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 512> buf;
  while (p && fgets(buf.data(), buf.size(), p)) out += buf.data();
  const int status = p ? pclose(p) : -1;
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace

TEST(Cli, VersionNamesTheProgram) {
  const CliRun r = shmcheck("--version");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out.rfind("shmcheck ", 0), 0u) << r.out;
}

TEST(Cli, ListTypecodesPrintsAllFourteenWithSizeAndAlignment) {
  const CliRun r = shmcheck("list typecodes");
  ASSERT_EQ(r.status, 0) << r.out;
  for (const char* row : {"\nc    char ", "\nu    wchar_t ", "\ni    int ", "\nl    long ", "\nQ    unsigned long long ", "\nd    double "})
    EXPECT_NE(r.out.find(row), std::string::npos) << row;
  EXPECT_NE(r.out.find("align"), std::string::npos);
  int rows = 0;
  for (char c : r.out) rows += c == '\n';
  EXPECT_EQ(rows, 15);  // header + 14
}

TEST(Cli, EverySubcommandHasHelp) {
  for (const char* cmd : {"--help", "list --help", "list typecodes --help", "run --help"}) {
    const CliRun r = shmcheck(cmd);
    EXPECT_EQ(r.status, 0) << cmd;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << cmd << ": " << r.out;
  }
}

// `shmcheck report --help` printed the main help and exited 0 (issue 15).
TEST(Cli, AnUnknownSubcommandIsBadUsageWithOrWithoutHelp) {
  for (const char* cmd : {"report", "report --help", "list foo", "list foo --help", "--help report"}) {
    const CliRun r = shmcheck(cmd);
    EXPECT_EQ(r.status, 2) << cmd << ": " << r.out;
    EXPECT_NE(r.out.find("unknown subcommand"), std::string::npos) << cmd << ": " << r.out;
    EXPECT_NE(r.out.find("known: "), std::string::npos) << cmd << ": " << r.out;
  }
}

// `list impls --json` was refused while `list typecodes --json` printed JSON (issue 15).
TEST(Cli, ListImplsPrintsJsonAsResultsJsonHasIt) {
  const CliRun r = shmcheck("list impls --impl ref --impl 'exec:/nonexistent/driver' --json 2>/dev/null");
  EXPECT_EQ(r.status, 3) << r.out;  // the second cannot start: broken
  const std::string out = r.out;
  EXPECT_EQ(out.rfind("[", 0), 0u) << out;
  for (const char* field : {"\"spec\": \"ref\"", "\"name\": \"shmcheck-ref\"", "\"capabilities\"", "\"typecodes\"",
                            "\"spec\": \"exec:/nonexistent/driver\"", "\"broken\""})
    EXPECT_NE(out.find(field), std::string::npos) << field << " in " << out;
}

// --shard K/N: anything else is bad usage naming what was given (issue 15).
TEST(Cli, ABadShardIsExitTwoNamingIt) {
  for (const char* sub : {"run", "properties", "stress"})
    for (const char* bad : {"0/3", "4/3", "1/0", "x"}) {
      const CliRun r = shmcheck(std::string(sub) + " --impl ref --shard '" + bad + "'");
      EXPECT_EQ(r.status, 2) << sub << " --shard " << bad << ": " << r.out;
      EXPECT_NE(r.out.find(std::string("--shard: '") + bad + "' is not a shard"), std::string::npos) << r.out;
    }
}

// Shards that draw their own seeds deal different cases (the stress suite's order is seeded):
// they would overlap and miss cases without an error, so a shard must name the run's seed.
TEST(Cli, AShardWithoutASeedIsExitTwo) {
  for (const char* sub : {"run", "properties", "stress"}) {
    const CliRun r = shmcheck(std::string(sub) + " --impl ref --shard 1/2");
    EXPECT_EQ(r.status, 2) << sub << ": " << r.out;
    EXPECT_NE(r.out.find("--shard requires --seed"), std::string::npos) << r.out;
  }
}

TEST(Cli, SpecSuitePassesOnTheReferenceAndPrintsItsSeed) {
  const CliRun r = shmcheck("run --impl ref --suite spec --seed 7");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("seed 7"), std::string::npos);
  EXPECT_NE(r.out.find(" 0 fail"), std::string::npos) << r.out;
}

TEST(Cli, AWrongClauseFailsWithExitOneAndAReplayCommand) {
  const CliRun r = shmcheck(std::string("run --impl ref --seed 3 --clauses ") + SHMCHECK_CLAUSES_DATA + "/wrong_clauses.json");
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("fail"), std::string::npos);
  // The replay command starts the program as it was started.
  EXPECT_NE(r.out.find(std::string("replay: ") + SHMCHECK_CLI + " run --impl ref --suite spec --case wraps-wrongly --seed 3"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("1 fail"), std::string::npos) << r.out;
}

TEST(Cli, BadInputIsExitTwoNamingIt) {
  const CliRun unknown_impl = shmcheck("run --impl nosuch");
  EXPECT_EQ(unknown_impl.status, 2);
  EXPECT_NE(unknown_impl.out.find("nosuch"), std::string::npos);
  const CliRun bad_json = shmcheck(std::string("run --clauses ") + SHMCHECK_CLAUSES_DATA + "/malformed.json");
  EXPECT_EQ(bad_json.status, 2);
  EXPECT_NE(bad_json.out.find("malformed.json"), std::string::npos) << bad_json.out;
  const CliRun no_sub = shmcheck("");
  EXPECT_EQ(no_sub.status, 2);
}

TEST(Cli, ResultsJsonIsWritten) {
  const std::string path = ::testing::TempDir() + "/shmcheck-cli-results.json";
  const CliRun r = shmcheck("run --impl ref --seed 11 --json " + path);
  ASSERT_EQ(r.status, 0) << r.out;
  FILE* f = std::fopen(path.c_str(), "r");
  ASSERT_NE(f, nullptr);
  std::string text;
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), f)) text.append(buf.data(), n);
  std::fclose(f);
  EXPECT_NE(text.find("\"seed\": 11"), std::string::npos);
  EXPECT_NE(text.find("\"verdict\": \"pass\""), std::string::npos);
  // It is a results document by the published schema (reports/schema/results.schema.json).
  const std::string validate = std::string("cd ") + SHMCHECK_SOURCE_DIR + " && /usr/bin/python3 -m reports validate " + path;
  EXPECT_EQ(std::system(validate.c_str()), 0) << validate;
}

TEST(Cli, AMalformedClausesFileIsExitTwoNamingTheFileTheCaseAndTheProblem) {
  // Each parses as JSON; before, each was an uncaught json exception (abort, status 134).
  const std::vector<std::pair<std::string, std::string>> files{
      {R"({"cases": [{"id": 5, "steps": []}]})", "case 1: 'id' must be a non-empty string"},
      {R"({"cases": [{"id": "a", "steps": [{"op": "create", "shape": "value", "tc": 7, "as": "o"}]}]})",
       "case 1 ('a') step 1: 'tc' must be a string"},
      {R"({"nocases": []})", "needs an object with a list 'cases'"},
      {R"({"cases": {"id": "a", "steps": []}})", "needs an object with a list 'cases'"},
      {R"({"cases": [{"id": "a", "steps": [{"op": "get", "obj": "o", "index": 0, "raises": 5}]}]})",
       "step 1: 'raises' must be an error kind"},
      {R"({"cases": [{"id": "a", "steps": [{"op": "value", "obj": "o", "expect": {"weird": [1, 2]}}]}]})",
       "step 1: 'expect' is not an item"},
      {R"({"cases": [{"id": "a"}]})", "case 1: 'steps' must be a list"},
      {R"({"cases": [{"id": "a", "steps": []}, {"id": "a", "steps": []}]})", "case 2: a second case with id 'a'"},
      {R"([1, 2])", "needs an object with a list 'cases'"},
  };
  for (std::size_t n = 0; n < files.size(); ++n) {
    const std::string path = ::testing::TempDir() + "/bad-clauses-" + std::to_string(n) + ".json";
    std::ofstream(path) << files[n].first;
    const CliRun r = shmcheck("run --impl ref --seed 1 --clauses " + path);
    EXPECT_EQ(r.status, 2) << files[n].first << "\n" << r.out;
    EXPECT_NE(r.out.find("clauses file " + path), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(files[n].second), std::string::npos) << files[n].first << "\n" << r.out;
  }
}

TEST(Cli, ARefusedRequestBreaksOnlyItsCaseNotTheImplementation) {
  // Through an exec: driver, which the harness stops when it really breaks: a refused request
  // (an unknown handle: ProtocolError) must not end it.
  const CliRun r = shmcheck(std::string("run --impl 'exec:") + SHMCHECK_CLI + " driver ref' --seed 1 --clauses " +
                            SHMCHECK_TEST_SUPPORT + "/unknown_handle.json");
  EXPECT_EQ(r.status, 3) << r.out;
  EXPECT_NE(r.out.find("names-an-unknown-handle: step 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("was refused as malformed: no object with handle 'nobody'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" 0 fail (0 expected), 0 inconclusive, 1 broken, 0 unsupported"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("restarted"), std::string::npos) << "a refused request is not a break:\n" << r.out;
}

TEST(Cli, ADriverThatCrashesIsRestartedForTheNextCaseAndItsStderrIsInTheVerdict) {
  const std::string marker = ::testing::TempDir() + "/crash-once-" + std::to_string(getpid());
  std::remove(marker.c_str());
  const CliRun r = shmcheck(std::string("run --seed 1 --impl 'exec:") + SHMCHECK_PYTHON + " " + SHMCHECK_TEST_SUPPORT +
                            "/crash_once_driver.py " + SHMCHECK_CLI + " " + marker + "'");
  std::remove(marker.c_str());
  EXPECT_EQ(r.status, 3) << r.out;
  EXPECT_NE(r.out.find("crashed (signal 11)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tail-marker-7f3a"), std::string::npos) << "the verdict lacks the driver's stderr:\n" << r.out;
  EXPECT_NE(r.out.find("restarted after it broke"), std::string::npos) << r.out;
  // The one case it crashed in is broken; every other case ran on the restarted driver.
  EXPECT_NE(r.out.find(" 0 fail (0 expected), 0 inconclusive, 1 broken, 0 unsupported"), std::string::npos) << r.out;
}

TEST(Cli, OutMakesItsParentsAndNamesAPathThatCannotBeADirectory) {
  const std::string base = ::testing::TempDir() + "/shmcheck-cli-out-" + std::to_string(getpid());
  const CliRun made = shmcheck("run --impl ref --suite spec --case value-initial --seed 2 --out " + base + "/report/foreign");
  EXPECT_EQ(made.status, 0) << made.out;
  EXPECT_TRUE(std::ifstream(base + "/report/foreign/results.json").good()) << made.out;
  std::ofstream(base + "/a-file") << "not a directory";
  const CliRun refused = shmcheck("run --impl ref --suite spec --case value-initial --seed 2 --out " + base + "/a-file/report");
  EXPECT_EQ(refused.status, 3) << refused.out;
  EXPECT_NE(refused.out.find(base + "/a-file/report"), std::string::npos) << refused.out;
  std::system(("rm -rf '" + base + "'").c_str());
}
