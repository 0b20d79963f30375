// Python specs: how python[:PYTHON][+MODULE][@METHOD] is read, and which implementations
// python:all and cpython:all stand for, found in a made-up pyenv root and PATH (CPython, PyPy
// and the forks each interpreter has), and how a start method after them applies to each.
#include "cli/pythons.hpp"
#include "cli/registry.hpp"

#include <shmcheck/error.hpp>

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using shmcheck::cli::expand_specs;
using shmcheck::cli::find_cpythons;
using shmcheck::cli::find_pythons;
using shmcheck::cli::parse_python_spec;

namespace {

// A fake interpreter; `prints` is what it answers to any command (the forks it "has").
void executable(const fs::path& p, const std::string& prints = "") {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << "#!/bin/sh\nprintf '" << prints << "'\nexit 0\n";
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
    executable(root_ / "usr/bin/python3.11", "billiard\\nmultiprocess\\n");  // what the shims hide (Debian's python3)
    executable(root_ / "usr/bin/pypy3", "billiard\\n");  // PyPy, with one fork
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

TEST_F(FakePythons, PythonAllAddsPyPyAndEveryForkEachInterpreterHas) {
  const std::string debian = (root_ / "usr/bin/python3").string(), pypy = (root_ / "usr/bin/pypy3").string();
  std::vector<std::string> pythons = find_pythons();
  EXPECT_NE(std::find(pythons.begin(), pythons.end(), pypy), pythons.end());
  const auto cpythons = find_cpythons();
  EXPECT_EQ(std::find(cpythons.begin(), cpythons.end(), pypy), cpythons.end()) << "cpython:all leaves PyPy out";
  const auto specs = expand_specs({"python:all@spawn"});
  for (const std::string& want : {"python:" + debian + "@spawn", "python:" + debian + "+billiard@spawn",
                                 "python:" + debian + "+multiprocess@spawn", "python:" + pypy + "@spawn",
                                 "python:" + pypy + "+billiard@spawn"})
    EXPECT_NE(std::find(specs.begin(), specs.end(), want), specs.end()) << want;
  EXPECT_EQ(std::count_if(specs.begin(), specs.end(), [](const std::string& s) { return s.find('+') != std::string::npos; }), 3);
  const auto with_billiard = expand_specs({"python:all+billiard"});
  // In PATH order, and by name within a directory.
  EXPECT_EQ(with_billiard, (std::vector<std::string>{"python:" + pypy + "+billiard", "python:" + debian + "+billiard"}));
}

TEST(PythonSpec, NamesTheInterpreterTheModuleAndTheStartMethod) {
  const auto p = parse_python_spec("python:/usr/bin/pypy3+billiard@spawn");
  EXPECT_EQ(p.python, "/usr/bin/pypy3");
  EXPECT_EQ(p.module, "billiard");
  EXPECT_EQ(p.method, "spawn");
  const auto d = parse_python_spec("cpython");
  EXPECT_EQ(d.python, "python3");
  EXPECT_EQ(d.module, "multiprocessing");
  EXPECT_EQ(d.method, "fork");
  EXPECT_EQ(parse_python_spec("python+my.fork").module, "my.fork");
  EXPECT_EQ(parse_python_spec("python+my.fork").python, "python3");
  // A '+' or an '@' inside a path is part of the path.
  EXPECT_EQ(parse_python_spec("python:/opt/c++/bin/python").python, "/opt/c++/bin/python");
  EXPECT_EQ(parse_python_spec("python:/home/a@b/python@forkserver").python, "/home/a@b/python");
  EXPECT_EQ(parse_python_spec("python:python3 -X dev+multiprocess").python, "python3 -X dev");
  EXPECT_THROW(parse_python_spec("python:python3@teleport"), shmcheck::ValueError);
  EXPECT_THROW(expand_specs({"pythonic"}), shmcheck::ValueError);
}
