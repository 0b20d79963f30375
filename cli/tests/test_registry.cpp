// cpython:all: which interpreters it stands for, found in a made-up pyenv root and PATH, and
// how a start method after it applies to each.
#include "cli/registry.hpp"

#include <shmcheck/error.hpp>

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using shmcheck::cli::expand_specs;
using shmcheck::cli::find_cpythons;

namespace {

void executable(const fs::path& p) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << "#!/bin/sh\nexit 0\n";
  fs::permissions(p, fs::perms::owner_all);
}

// Sets an environment variable for the test's duration and restores it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) setenv(name_, old_->c_str(), 1);
    else unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class FakePythons : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) / ("fake-pythons-" + std::to_string(getpid()));
    fs::remove_all(root_);
    executable(root_ / "pyenv/versions/3.13.0/bin/python");
    executable(root_ / "pyenv/versions/3.8.0/bin/python");
    executable(root_ / "pyenv/shims/python3");      // a shim: skipped
    executable(root_ / "pyenv/shims/python3.12");   // ... however it is named
    executable(root_ / "usr/bin/python3.11");       // what the shims hide (Debian's python3)
    fs::create_symlink("python3.11", root_ / "usr/bin/python3");
    executable(root_ / "usr/bin/python3.11-config");  // not an interpreter
    executable(root_ / "usr/bin/pythonista");
    executable(root_ / "opt/bin/python2.7");
    fs::create_symlink(root_ / "pyenv/versions/3.8.0/bin/python", root_ / "opt/bin/python");  // a duplicate
    std::ofstream(root_ / "opt/bin/python3.9") << "not executable\n";
    pyenv_.emplace("PYENV_ROOT", (root_ / "pyenv").string());
    path_.emplace("PATH", (root_ / "pyenv/shims").string() + ":" + (root_ / "usr/bin").string() + ":" +
                              (root_ / "opt/bin").string() + ":" + (root_ / "usr/bin").string());
  }
  void TearDown() override {
    path_.reset();
    pyenv_.reset();
    fs::remove_all(root_);
  }
  fs::path root_;
  std::optional<ScopedEnv> pyenv_, path_;
};

}  // namespace

TEST_F(FakePythons, AllIsPyenvsVersionsThenEveryInterpreterOnPathButTheShimsOncePerExecutable) {
  const std::vector<std::string> expected{(root_ / "pyenv/versions/3.8.0/bin/python").string(),
                                          (root_ / "pyenv/versions/3.13.0/bin/python").string(),
                                          (root_ / "usr/bin/python3").string(),
                                          (root_ / "opt/bin/python2.7").string()};
  EXPECT_EQ(find_cpythons(), expected);
}

TEST_F(FakePythons, AStartMethodAfterAllAppliesToEachInterpreter) {
  const auto specs = expand_specs({"cpython:all@spawn"});
  ASSERT_EQ(specs.size(), 4u);
  for (const auto& s : specs) {
    EXPECT_EQ(s.rfind("cpython:" + root_.string(), 0), 0u) << s;
    EXPECT_TRUE(s.ends_with("@spawn")) << s;
  }
  EXPECT_EQ(expand_specs({"cpython:all@forkserver"}).front(), "cpython:" + (root_ / "pyenv/versions/3.8.0/bin/python").string() + "@forkserver");
  EXPECT_THROW(expand_specs({"cpython:all@teleport"}), shmcheck::ValueError);
}
