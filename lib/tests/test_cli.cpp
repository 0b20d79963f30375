// The shmcheck command line: version, typecode table, the spec suite and its exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

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

TEST(Cli, SpecSuitePassesOnTheReferenceAndPrintsItsSeed) {
  const CliRun r = shmcheck("run --impl ref --suite spec --seed 7");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("seed 7"), std::string::npos);
  EXPECT_NE(r.out.find(" 0 fail"), std::string::npos) << r.out;
}

TEST(Cli, AWrongClauseFailsWithExitOneAndAReplayCommand) {
  const CliRun r = shmcheck(std::string("run --impl ref --seed 3 --clauses ") + SHMCHECK_TEST_DATA + "/wrong_clauses.json");
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("fail"), std::string::npos);
  EXPECT_NE(r.out.find("replay: build/bin/shmcheck run --impl ref --suite spec --case wraps-wrongly --seed 3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 fail"), std::string::npos) << r.out;
}

TEST(Cli, BadInputIsExitTwoNamingIt) {
  const CliRun unknown_impl = shmcheck("run --impl nosuch");
  EXPECT_EQ(unknown_impl.status, 2);
  EXPECT_NE(unknown_impl.out.find("nosuch"), std::string::npos);
  const CliRun bad_json = shmcheck(std::string("run --clauses ") + SHMCHECK_TEST_DATA + "/malformed.json");
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
}
