// Expectations narrowed to the implementation they are applied to: its name (and the file's
// own implementation), version, module version and start method; includes.
#include <shmcheck/harness/expectations.hpp>

#include <shmcheck/error.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace h = shmcheck::harness;

namespace {

std::string write(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::path(::testing::TempDir()) / name;
  std::ofstream(path) << text;
  return path.string();
}

h::Description impl(const std::string& name, const std::string& version, const std::string& module = "multiprocessing",
                    const std::string& module_version = "") {
  h::Description d;
  d.name = name;
  d.version = version;
  d.module = {{"name", module}, {"version", module_version.empty() ? nlohmann::json() : nlohmann::json(module_version)}};
  return d;
}

}  // namespace

TEST(Expectations, AFilesOwnImplementationNarrowsEveryEntryEvenWhenIncluded) {
  write("exp-cpython.json", R"({"implementation": "cpython", "expected_failures": [
      {"case": "everywhere-in-cpython", "reason": "r"},
      {"case": "old-cpython", "versions": ["3.6"], "reason": "r"}],
      "dialects": [{"reason": "r", "stores": {"c": ["bytes1"]}}]})");
  const auto fork = h::Expectations::load(write("exp-fork.json", R"({"include": ["exp-cpython.json"], "expected_failures": [
      {"case": "the-fork", "module_versions": ["0.70"], "reason": "r"},
      {"case": "spawned", "start_methods": ["spawn"], "reason": "r"}]})"));
  const auto on_cpython = fork.bound_to(impl("cpython", "3.11.2", "fork", "0.70.12.2"));
  EXPECT_NE(on_cpython.find("spec", "everywhere-in-cpython"), nullptr);
  EXPECT_EQ(on_cpython.find("spec", "old-cpython"), nullptr);
  EXPECT_NE(on_cpython.find("spec", "the-fork"), nullptr);
  EXPECT_EQ(on_cpython.find("spec", "spawned"), nullptr) << "fork is the default start method";
  EXPECT_NE(fork.bound_to(impl("cpython", "3.11.2", "fork", "0.70.12.2"), "spawn").find("spec", "spawned"), nullptr);
  EXPECT_EQ(on_cpython.dialect(), nlohmann::json({{"stores", {{"c", {"bytes1"}}}}}));
  const auto on_pypy = fork.bound_to(impl("pypy", "7.3.11", "fork", "0.71.0"));
  EXPECT_EQ(on_pypy.find("spec", "everywhere-in-cpython"), nullptr) << "CPython's file says nothing of PyPy";
  EXPECT_EQ(on_pypy.find("spec", "the-fork"), nullptr) << "another version of the module";
  EXPECT_EQ(on_pypy.dialect(), nlohmann::json::object());
  EXPECT_EQ(fork.implementation(), "") << "the top file names none; the included file's is not its";
  EXPECT_EQ(h::Expectations::load((std::filesystem::path(::testing::TempDir()) / "exp-cpython.json").string()).implementation(), "cpython");
}

TEST(Expectations, AnEntryMayNarrowItselfToTheAbisItRunsAs) {
  const auto file = h::Expectations::load(write("exp-abis.json", R"({"implementation": "cpython", "expected_failures": [
      {"suite": "stress", "case": "torn-Q-unlocked", "abis": ["linux-armhf", "linux-i686"], "reason": "two 4-byte stores"}]})"));
  auto d = impl("cpython", "3.11.2");
  d.abi = "linux-armhf";
  EXPECT_NE(file.bound_to(d).find("stress", "torn-Q-unlocked"), nullptr);
  d.abi = "linux-x86_64";
  EXPECT_EQ(file.bound_to(d).find("stress", "torn-Q-unlocked"), nullptr) << "another ABI";
  d.abi = "";
  EXPECT_EQ(file.bound_to(d).find("stress", "torn-Q-unlocked"), nullptr) << "an unknown ABI is none of those named";
}

TEST(Expectations, OneReasonMayCoverAListOfCases) {
  const auto e = h::Expectations::load(write("exp-list.json", R"({"expected_failures": [
      {"suite": "property", "case": ["alpha", "beta-*"], "start_methods": ["spawn"], "reason": "one cause"}]})"));
  const auto spawned = e.bound_to(impl("cpython", "3.11.2"), "spawn");
  EXPECT_NE(spawned.find("property", "alpha"), nullptr);
  EXPECT_NE(spawned.find("property", "beta-2"), nullptr);
  EXPECT_EQ(spawned.find("property", "gamma"), nullptr);
  EXPECT_EQ(e.bound_to(impl("cpython", "3.11.2"), "fork").find("property", "alpha"), nullptr);
  EXPECT_THROW(h::Expectations::load(write("exp-empty-list.json", R"({"expected_failures": [{"case": [], "reason": "r"}]})")),
               shmcheck::ValueError);
}

TEST(Expectations, ABadFileIsBadInputNamingIt) {
  EXPECT_THROW(h::Expectations::load(write("exp-bad.json", R"({"expected_failures": [{"case": "x"}]})")), shmcheck::ValueError);
  EXPECT_THROW(h::Expectations::load(write("exp-self.json", R"({"include": ["exp-self.json"], "expected_failures": []})")),
               shmcheck::ValueError);
  EXPECT_THROW(h::Expectations::load(write("exp-kinds.json", R"({"expected_failures": [{"case": "x", "reason": "r", "implementations": "pypy"}]})")),
               shmcheck::ValueError);
}

TEST(Expectations, ADirectoryIsBadInputNamingItNotAnAbort) {
  // Reading a directory throws std::ios_base::failure, which ended shmcheck (status 134).
  const auto dir = std::filesystem::path(::testing::TempDir()) / "exp-a-directory";
  std::filesystem::create_directories(dir);
  try {
    h::Expectations::load(dir.string());
    FAIL() << "a directory loaded as expectations";
  } catch (const shmcheck::ValueError& e) {
    EXPECT_NE(std::string(e.what()).find(dir.string() + " is a directory"), std::string::npos) << e.what();
  }
  const auto including = write("exp-includes-a-directory.json", R"({"include": ["exp-a-directory"], "expected_failures": []})");
  EXPECT_THROW(h::Expectations::load(including), shmcheck::ValueError);
}
