// What a hostile implementation, a hostile file system or a mistyped option can do to a run,
// run as a user runs it: each was reproduced, and each now ends as promised (README's exit
// statuses; PROTOCOL.md §1 for what shmcheck does with a driver's text).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct CliRun {
  int status;
  std::string out;  // stdout and stderr
};

CliRun shmcheck(const std::string& args) {
  const std::string cmd = std::string("'") + SHMCHECK_CLI + "' " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  for (std::size_t n; p && (n = fread(buf.data(), 1, buf.size(), p)) > 0;) out.append(buf.data(), n);
  const int status = p ? pclose(p) : -1;
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// --impl for a mode of the misbehaving driver (harness/tests/misbehaving/misbehave.py).
std::string misbehaving(const std::string& mode, const std::string& pidfile) {
  return std::string("--impl 'exec:") + SHMCHECK_PYTHON + " " + SHMCHECK_SOURCE_DIR + "/harness/tests/misbehaving/misbehave.py " + mode +
         " " + pidfile + "'";
}

// Alive and not a zombie (one waits for init to reap it, and runs no more).
bool running(pid_t pid) {
  if (kill(pid, 0) != 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  const auto close = line.rfind(')');
  return close != std::string::npos && line.size() > close + 2 && line[close + 2] != 'Z';
}

class Hostile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("shmcheck-hostile-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string read(const std::string& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // A results document by the published schema (reports/schema/results.schema.json).
  static bool valid_results(const std::string& p) {
    return std::system((std::string("cd ") + SHMCHECK_SOURCE_DIR + " && /usr/bin/python3 -m reports validate " + p + " >/dev/null").c_str()) == 0;
  }
  fs::path dir_;
};

}  // namespace

TEST_F(Hostile, AnAnswerThatIsNotUtf8BreaksThatImplementationAndTheRunGoesOn) {
  // It was `bad input: [json.exception.type_error.316]`, exit 2, ref never ran, and an empty
  // results.json.tmp was left.
  const std::string json = path("results.json");
  const CliRun r = shmcheck("run " + misbehaving("not-utf8", path("pids")) + " --impl ref --case value-default-zero --seed 1 --json " + json);
  EXPECT_EQ(r.status, 3) << r.out;
  EXPECT_NE(r.out.find("answered with a line that is not UTF-8: '\\xff'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bad \\xff\\xfe bytes \\x1b[31m on stderr"), std::string::npos) << "its stderr, escaped:\n" << r.out;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << "an escape sequence reached the terminal";
  EXPECT_NE(r.out.find("spec suite on ref: 1 pass"), std::string::npos) << "the next implementation ran:\n" << r.out;
  EXPECT_TRUE(valid_results(json));
  std::vector<std::string> beside;
  for (const auto& e : fs::directory_iterator(dir_)) beside.push_back(e.path().filename().string());
  std::sort(beside.begin(), beside.end());
  EXPECT_EQ(beside, (std::vector<std::string>{"pids", "results.json"})) << "a temporary was left behind";
}

TEST_F(Hostile, AnAnswerNestedSeventyThousandDeepIsBrokenAndItsProcessesEnd) {
  // It crashed shmcheck (SIGSEGV in nlohmann's recursive copy), leaving the driver running.
  const CliRun r = shmcheck("run " + misbehaving("deep", path("pids")) + " --case value-default-zero --seed 1");
  EXPECT_EQ(r.status, 3) << r.out;
  EXPECT_NE(r.out.find("answered with JSON nested deeper than 64 levels"), std::string::npos) << r.out;
  std::ifstream pids(path("pids"));
  int n = 0;
  for (pid_t pid; pids >> pid; ++n) EXPECT_FALSE(running(pid)) << "process " << pid << " is still running";
  EXPECT_EQ(n, 2) << "the driver and its helper";
}

TEST_F(Hostile, AnImplementationsTextIsEscapedAndCutOnTheConsoleAndBoundedInTheResults) {
  // Its name, version and a 15 MB error message full of escape sequences were printed raw.
  const std::string json = path("results.json");
  const CliRun r = shmcheck("run " + misbehaving("hostile-text", path("pids")) + " --case value-default-zero --seed 1 --json " + json);
  EXPECT_EQ(r.status, 1) << r.out.substr(0, 5000);
  for (const char* raw : {"\x1b", "\x07", "\xc2\x9b", "\xe2\x80\xae"})
    EXPECT_EQ(r.out.find(raw), std::string::npos) << "raw control text reached the terminal";
  EXPECT_NE(r.out.find("misbehave\\x1b[2J\\x1b]0;pwned\\x07\\u009b31m\\u202eevil"), std::string::npos) << r.out.substr(0, 5000);
  EXPECT_NE(r.out.find(" bytes left out) ... "), std::string::npos);
  EXPECT_LT(r.out.size(), 20000u) << "the 15 MB message was echoed";
  EXPECT_TRUE(valid_results(json));
  const auto doc = nlohmann::json::parse(read(json));
  EXPECT_LE(doc.at("results").at(0).at("message").get<std::string>().size(), (64u << 10) + 100);
  const CliRun list = shmcheck("list impls " + misbehaving("hostile-text", path("pids")));
  EXPECT_EQ(list.out.find('\x1b'), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("\\x1b[2J"), std::string::npos) << list.out;
}

TEST_F(Hostile, StressAnswersWithoutTheirFieldsAreBrokenNeverJudged) {
  // {} failed the torn cases and passed lifetime-creator-killed ("0 objects created").
  const CliRun empty = shmcheck("stress torn-q-locked lifetime-creator-killed --size quick --expect none " + misbehaving("empty-observation", path("pids")));
  EXPECT_EQ(empty.status, 3) << empty.out;
  EXPECT_NE(empty.out.find("a 'torn' observation that lacks 'finished', 'reads', 'torn' (required)"), std::string::npos) << empty.out;
  EXPECT_NE(empty.out.find("a 'lifetime-create' observation that lacks 'created' (required)"), std::string::npos) << empty.out;
  const CliRun none = shmcheck("stress lifetime-creator-killed --size quick --expect none " + misbehaving("none-created", path("pids")));
  EXPECT_EQ(none.status, 3) << none.out;
  EXPECT_NE(none.out.find("created 0 objects, not the 100 asked for"), std::string::npos) << none.out;
  EXPECT_NE(none.out.find(": 0 pass, 0 fail (0 expected), 0 inconclusive, 1 broken"), std::string::npos) << none.out;
}

TEST_F(Hostile, AnOutputPathThatIsNotARegularFileIsRefusedAndStaysWhatItWas) {
  // As root, --json /dev/full replaced the device node with a file.
  const CliRun device = shmcheck("run --impl ref --case value-default-zero --json /dev/null");
  EXPECT_EQ(device.status, 2) << device.out;
  EXPECT_NE(device.out.find("/dev/null: it is a character device"), std::string::npos) << device.out;
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  const std::string victim = path("victim"), link = path("link.json"), fifo = path("fifo");
  std::ofstream(victim) << "precious\n";
  fs::create_symlink(victim, link);
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  for (const std::string cmd : {"run --impl ref --case value-default-zero", "stress --impl ref --list", "properties --list", "audit --list"})
    for (const std::string& target : {link, fifo, dir_.string()}) {
      const CliRun r = shmcheck(cmd + " --json " + target);
      EXPECT_EQ(r.status, 2) << cmd << " --json " << target << "\n" << r.out;
      EXPECT_NE(r.out.find("refusing to write " + target), std::string::npos) << r.out;
    }
  EXPECT_EQ(read(victim), "precious\n");
  EXPECT_TRUE(fs::is_fifo(fifo));
  // Another user's link at the old fixed temporary name made a root run overwrite its target.
  fs::create_symlink(victim, path("results.json.tmp"));
  const CliRun ok = shmcheck("run --impl ref --case value-default-zero --seed 1 --json " + path("results.json"));
  EXPECT_EQ(ok.status, 0) << ok.out;
  EXPECT_EQ(read(victim), "precious\n");
  EXPECT_TRUE(valid_results(path("results.json")));
}

TEST_F(Hostile, BadOptionValuesAreRefusedNamingTheOptionAndTheValue) {
  // --expect DIR aborted (std::ios_base::failure, exit 134); --seed -1 and a seed past 2^64
  // ran as 2^64-1; --timeout-ms 0 and -5 were taken.
  const std::string dir = dir_.string();
  const std::vector<std::pair<std::string, std::string>> refused{
      {"run --expect " + dir, "--expect"},          {"stress --expect " + dir, "--expect"},
      {"properties --expect " + dir, "--expect"},   {"run --clauses " + dir, "--clauses"},
      {"run --seed -1", "--seed"},                  {"run --seed 99999999999999999999999", "--seed"},
      {"run --seed 18446744073709551616", "--seed"}, {"stress --seed -1", "--seed"},
      {"properties --seed 1e3", "--seed"},          {"run --timeout-ms 0", "--timeout-ms"},
      {"run --timeout-ms -5", "--timeout-ms"},      {"stress --timeout-ms 0", "--timeout-ms"},
      {"properties --timeout-ms -5", "--timeout-ms"}, {"list impls --timeout-ms 0", "--timeout-ms"},
      {"run --size huge", "--size"},                {"stress --procs 0", "--procs"},
  };
  for (const auto& [args, option] : refused) {
    const CliRun r = shmcheck(args);
    EXPECT_EQ(r.status, 2) << args << "\n" << r.out;
    EXPECT_NE(r.out.find(option), std::string::npos) << args << "\n" << r.out;
    const std::string value = args.substr(args.rfind(' ') + 1);
    EXPECT_NE(r.out.find(value), std::string::npos) << args << ": the value is named\n" << r.out;
  }
  // The largest seed is a seed.
  EXPECT_EQ(shmcheck("stress --list --seed 18446744073709551615").status, 0);
}
