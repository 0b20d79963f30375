// What shmcheck writes: output files only as new or regular files, through a temporary
// nobody could have prepared (output_file.hpp); and an implementation's text in results.json
// valid UTF-8 and bounded, on the console escaped and cut (driver_text.hpp).
#include <shmcheck/harness/output_file.hpp>
#include <shmcheck/harness/results.hpp>

#include <shmcheck/error.hpp>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using shmcheck::harness::CaseResult;
using shmcheck::harness::Expectations;
using shmcheck::harness::Results;
using shmcheck::harness::Verdict;
using shmcheck::harness::write_output_file;

namespace {

class OutputFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("shmcheck-output-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // Everything in the directory but `keep`: what a write left beside its target.
  std::vector<std::string> others(const std::set<std::string>& keep) const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_))
      if (!keep.count(e.path().filename().string())) out.push_back(e.path().filename().string());
    return out;
  }
  // The refusal's message, "" when it was written.
  static std::string refusal(const std::string& path) {
    try {
      write_output_file(path, "{}\n");
    } catch (const shmcheck::ValueError& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir_;
};

}  // namespace

TEST_F(OutputFile, ANewOrARegularFileIsWrittenWholeAndNothingIsLeftBeside) {
  const fs::path target = dir_ / "results.json";
  write_output_file(target, "one\n");
  EXPECT_EQ(read(target), "one\n");
  write_output_file(target, "two\n");
  EXPECT_EQ(read(target), "two\n");
  EXPECT_EQ(others({"results.json"}), std::vector<std::string>{});
}

TEST_F(OutputFile, ASymbolicLinkIsRefusedAndWhatItPointsToIsUntouched) {
  const fs::path victim = dir_ / "victim", link = dir_ / "results.json";
  std::ofstream(victim) << "precious\n";
  fs::create_symlink(victim, link);
  EXPECT_NE(refusal(link).find(link.string() + ": it is a symbolic link"), std::string::npos) << refusal(link);
  EXPECT_EQ(read(victim), "precious\n");
  EXPECT_TRUE(fs::is_symlink(link));
}

TEST_F(OutputFile, ADirectoryAFifoAndADeviceAreRefusedAndStayWhatTheyAre) {
  const fs::path fifo = dir_ / "fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_NE(refusal(fifo).find("it is a FIFO"), std::string::npos) << refusal(fifo);
  EXPECT_TRUE(fs::is_fifo(fifo));
  EXPECT_NE(refusal(dir_).find("it is a directory"), std::string::npos) << refusal(dir_);
  // As root, rename() over /dev/null would have replaced the device node with a file.
  EXPECT_NE(refusal("/dev/null").find("/dev/null: it is a character device"), std::string::npos) << refusal("/dev/null");
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

TEST_F(OutputFile, ALinkPlantedAtTheOldTemporaryNameIsNotFollowed) {
  // shmcheck used to write <json>.tmp, truncating and following a link someone put there.
  const fs::path victim = dir_ / "victim", target = dir_ / "results.json";
  std::ofstream(victim) << "precious\n";
  fs::create_symlink(victim, dir_ / "results.json.tmp");
  write_output_file(target, "results\n");
  EXPECT_EQ(read(victim), "precious\n");
  EXPECT_EQ(read(target), "results\n");
  EXPECT_EQ(others({"results.json", "results.json.tmp", "victim"}), std::vector<std::string>{});
}

TEST_F(OutputFile, AFailedWriteLeavesNothingBehind) {
  EXPECT_THROW(write_output_file(dir_ / "no-such-dir" / "results.json", "x"), shmcheck::OSError);
  EXPECT_EQ(others({}), std::vector<std::string>{});
}

TEST_F(OutputFile, ResultsKeepAnImplementationsTextValidAndBoundedAndShowItEscaped) {
  const fs::path target = dir_ / "results.json";
  Results results(target, 1, "shmcheck run", nlohmann::json::object());
  CaseResult r;
  r.suite = "spec";
  r.id = "case\x1b[2J";
  r.verdict = Verdict::fail;
  // An escape sequence, a byte that is not UTF-8, and 15 MB.
  r.message = "expected 1, got \x1b]0;title\x07 \xff" + std::string(15u << 20, 'z') + "the end";
  ::testing::internal::CaptureStdout();
  results.broken_implementation("exec:evil", "its stderr: \xfe\x1b[31m");
  results.record("exec:evil", Expectations{}, r);
  const std::string console = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(console.find('\x1b'), std::string::npos) << "an escape sequence reached the terminal";
  EXPECT_NE(console.find("\\x1b]0;title\\x07 \\xff"), std::string::npos) << console.substr(0, 300);
  EXPECT_NE(console.find(" bytes left out) ... "), std::string::npos);
  EXPECT_NE(console.find("the end"), std::string::npos) << "the end of a message is kept";
  EXPECT_LT(console.size(), 6000u);
  const auto doc = nlohmann::json::parse(read(target));  // it was written, and is JSON
  const std::string message = doc.at("results").at(0).at("message");
  EXPECT_LE(message.size(), (64u << 10) + 100);
  EXPECT_NE(message.find("\\xff"), std::string::npos);
  EXPECT_EQ(doc.at("implementations").at(0).at("broken"), "its stderr: \\xfe\x1b[31m");
}
