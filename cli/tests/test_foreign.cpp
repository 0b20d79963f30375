// Foreign specs (ABI:INNER, cli/foreign.hpp): what is bad usage, and what each error says to do,
// against a made-up cross directory. Whether qemu-user is installed decides which error comes
// for a well-formed spec; both are asserted.
#include "cli/foreign.hpp"
#include "cli/registry.hpp"

#include "audit/src/process.hpp"

#include <shmcheck/error.hpp>

#include <gtest/gtest.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using shmcheck::ValueError;
using namespace shmcheck::cli;

namespace {

// The message of the ValueError `f` throws ("" when it throws none).
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const ValueError& e) {
    return e.what();
  }
  return "";
}

class ForeignSpecs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("cross-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    setenv("SHMCHECK_CROSS_DIR", dir_.c_str(), 1);
  }
  void TearDown() override {
    unsetenv("SHMCHECK_CROSS_DIR");
    fs::remove_all(dir_);
  }
  void fake_driver(const std::string& abi) {
    fs::create_directories(dir_ / abi / "bin");
    std::ofstream(dir_ / abi / "bin/shmcheck_ref_driver") << "not a program\n";
  }
  fs::path dir_;
};

}  // namespace

TEST_F(ForeignSpecs, OnlyExecutedAbisWithAnEmulatorOrANativeModeAreForeign) {
  EXPECT_TRUE(is_foreign_spec("linux-armhf:ref"));
  EXPECT_TRUE(is_foreign_spec("windows-x64-mingw:ref"));
  EXPECT_FALSE(is_foreign_spec("python:/usr/bin/python3"));
  EXPECT_FALSE(is_foreign_spec("exec:a:b"));
  EXPECT_FALSE(is_foreign_spec("ref"));
  // This machine's own ABI runs natively, and a probed ABI does not run at all.
  EXPECT_NE(error_of([] { parse_foreign_spec("linux-x86_64:ref"); }).find("is not a foreign ABI this machine runs"), std::string::npos);
  EXPECT_NE(error_of([] { parse_foreign_spec("macos-arm64:ref"); }).find("is not a foreign ABI this machine runs"), std::string::npos);
}

// i686 without qemu: an x86-64 kernel runs it; its driver is looked for like any other, and a
// root's CPython (which needs qemu's -L) is refused with the reason.
TEST_F(ForeignSpecs, I686RunsNativelyOnlyOnAnX86_64Kernel) {
  utsname u{};
  uname(&u);
  const bool x86_64 = std::string(u.machine) == "x86_64";
  const std::string missing = error_of([] { parse_foreign_spec("linux-i686-native:ref"); });
  EXPECT_NE(missing.find(x86_64 ? "ci/cross-build linux-i686-native" : "is not a foreign ABI this machine runs"), std::string::npos)
      << missing;
  fake_driver("linux-i686-native");
  EXPECT_EQ(error_of([] { parse_foreign_spec("linux-i686-native:ref"); }).empty(), x86_64);
  if (x86_64) {
    EXPECT_NE(error_of([] { parse_foreign_spec("linux-i686-native:python"); }).find("runs only under one"), std::string::npos);
    EXPECT_EQ(expand_specs({"linux-i686-native:all"}), std::vector<std::string>{"linux-i686-native:ref"});
  }
}

TEST_F(ForeignSpecs, InnerSpecIsRefOrPython) {
  EXPECT_NE(error_of([] { parse_foreign_spec("linux-armhf:boost"); }).find("comes ref, python[@METHOD] or all"), std::string::npos);
  EXPECT_NE(error_of([] { parse_foreign_spec("windows-x64-mingw:python"); }).find("no Python"), std::string::npos);
  EXPECT_NE(error_of([] { parse_foreign_spec("linux-armhf:python@teleport"); }), "");
}

TEST_F(ForeignSpecs, SaysWhatToInstallOrBuild) {
  const bool qemu = !shmcheck::audit::find_program("qemu-arm").empty();
  const std::string missing = error_of([] { parse_foreign_spec("linux-armhf:ref"); });
  EXPECT_NE(missing.find(qemu ? "ci/cross-build linux-armhf" : "qemu-arm is not installed"), std::string::npos) << missing;
  const std::string no_root = error_of([] { parse_foreign_spec("linux-armhf:python"); });
  EXPECT_NE(no_root.find(qemu ? "ci/foreign-roots armhf" : "qemu-arm is not installed"), std::string::npos) << no_root;
  fake_driver("linux-armhf");
  EXPECT_EQ(error_of([] { parse_foreign_spec("linux-armhf:ref"); }).empty(), qemu);
  EXPECT_EQ(present_foreign_specs().size(), qemu ? 1u : 0u);
  EXPECT_EQ(error_of([] { present_foreign_specs("linux-s390x"); }).find("nothing is built for linux-s390x") != std::string::npos,
            true);
}

TEST_F(ForeignSpecs, ExpandAllOfOneAbi) {
  if (shmcheck::audit::find_program("qemu-s390x").empty()) {
    EXPECT_NE(error_of([] { expand_specs({"linux-s390x:all"}); }), "");
    return;
  }
  fake_driver("linux-s390x");
  EXPECT_EQ(expand_specs({"linux-s390x:all"}), std::vector<std::string>{"linux-s390x:ref"});
  EXPECT_EQ(expand_specs({"foreign:all"}), std::vector<std::string>{"linux-s390x:ref"});
}
