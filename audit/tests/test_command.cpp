// `shmcheck audit` end to end on this machine: the native ABI and one CPython make a
// results.json that the report's validator accepts, with the audit section the report
// draws; an unknown ABI is bad usage.
#include "audit/src/process.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using shmcheck::audit::CommandResult;
using shmcheck::audit::run_command;

TEST(AuditCommand, NativeAndOneCPythonWriteAValidResultsFile) {
  const std::string dir = std::filesystem::temp_directory_path() / ("shmcheck-audit-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string json = dir + "/audit.json";
  const CommandResult r = run_command({SHMCHECK_CLI, "audit", "--abi", std::string("native,cpython:") + SHMCHECK_PYTHON, "--json", json}, {}, 100);
  ASSERT_TRUE(r.ok()) << r.failure() << "\n" << r.out;
  std::ifstream in(json);
  const nlohmann::json doc = nlohmann::json::parse(in);
  const auto& section = doc.at("audit");
  EXPECT_EQ(section.at("baseline"), "linux-x86_64");
  ASSERT_EQ(section.at("abis").size(), 2u) << section.dump();
  EXPECT_EQ(section["abis"][0]["how"], "executed");
  EXPECT_EQ(section["abis"][1]["how"], "cpython");
  EXPECT_EQ(section["abis"][0]["typecodes"]["Q"]["max"], "18446744073709551615");  // beyond 2^53: a string
  bool agree = false;
  for (const auto& f : section.at("findings")) agree = agree || f.value("text", "").find("agree with the C compiler") != std::string::npos;
  EXPECT_TRUE(agree) << section.at("findings").dump(1);
  int rows = 0;
  for (const auto& row : doc.at("results")) {
    EXPECT_EQ(row.at("suite"), "audit");
    if (row["impl"] == "abi:linux-x86_64") {
      EXPECT_EQ(row["verdict"], "pass") << row.dump();
    }
    ++rows;
  }
  EXPECT_EQ(rows, 5);  // table, counter, torn-read, cas16, and the CPython's ctypes-vs-c-abi
  const CommandResult v = run_command({"/usr/bin/python3", "-c",
                                       std::string("import os,sys; os.chdir(sys.argv[1]); from reports import cli; sys.exit(cli.main(['validate', sys.argv[2]]))"),
                                       SHMCHECK_SOURCE_DIR, json}, {}, 60);
  EXPECT_TRUE(v.ok()) << v.failure() << v.out;
  std::filesystem::remove_all(dir);
}

TEST(AuditCommand, UnknownAbiIsBadUsage) {
  const CommandResult r = run_command({SHMCHECK_CLI, "audit", "--abi", "linux-vax"}, {}, 30);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("unknown ABI 'linux-vax'"), std::string::npos) << r.err;
}

// The main job's `run --suite all` includes the audit: its section and its abi: entries land
// in the same results.json as the other suites.
TEST(AuditCommand, RunSuiteAuditJoinsTheOtherSuites) {
  const std::string dir = std::filesystem::temp_directory_path() / ("shmcheck-run-audit-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string json = dir + "/results.json";
  const CommandResult r = run_command({SHMCHECK_CLI, "run", "--impl", "ref", "--suite", "spec", "--suite", "audit", "--audit-abi",
                                       "native", "--seed", "1", "--json", json},
                                      {}, 200);
  ASSERT_TRUE(r.ok()) << r.failure() << "\n" << r.out;
  EXPECT_NE(r.out.find("audit suite on abi:linux-x86_64: 4 pass"), std::string::npos) << r.out;
  std::ifstream in(json);
  const nlohmann::json doc = nlohmann::json::parse(in);
  EXPECT_EQ(doc.at("audit").at("baseline"), "linux-x86_64");
  int spec = 0, audit = 0;
  for (const auto& row : doc.at("results")) {
    spec += row.at("suite") == "spec" && row.at("impl") == "ref";
    audit += row.at("suite") == "audit" && row.at("impl") == "abi:linux-x86_64";
  }
  EXPECT_GT(spec, 100);
  EXPECT_EQ(audit, 4);
  std::filesystem::remove_all(dir);
}
