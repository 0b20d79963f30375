#pragma once
// The registry: implementation specs, as given on the command line, what they start and the
// expectations file that applies to each.
//   ref                the reference, in process
//   boost              Boost.Interprocess (shmcheck_boost_driver, next to shmcheck in bin/)
//   exec:CMD ARGS...   any program that speaks the driver protocol
//   cpython[:PYTHON]   drivers/cpython/driver.py under PYTHON (default python3); PYTHON may be
//                      a path or a command with arguments, or a wrapper script
//   cpython:all        every distinct CPython on PATH and in pyenv (cpython:all@spawn: each
//                      with that start method)
//   ...@spawn          (after a cpython spec) the driver's start method: @fork (default),
//                      @spawn or @forkserver, as in cpython:python3.13@spawn
//   mutant:NAME        the reference with the seeded fault NAME (shmcheck_mutant NAME)
//   mutant:all         every seeded fault
#include <shmcheck/harness/expectations.hpp>
#include <shmcheck/harness/implementation.hpp>
#include <shmcheck/harness/suite.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace shmcheck::cli {

// Expands "cpython:all[@METHOD]" and "mutant:all" (and leaves every other spec alone). ValueError for an
// unknown kind or an unknown mutant.
std::vector<std::string> expand_specs(const std::vector<std::string>& specs);
// Starts one implementation; Broken if it cannot be started or fails its handshake.
std::unique_ptr<harness::Implementation> open_implementation(const std::string& spec,
                                                            std::chrono::milliseconds timeout = std::chrono::seconds(10));
// The suite loop's opener: open_implementation with this request deadline.
harness::Opener opener(std::chrono::milliseconds timeout);
// An instance of `spec` that can be SIGKILLed alone: the in-process reference is opened as
// its exec: driver (`shmcheck driver ref`), anything else as itself.
std::unique_ptr<harness::Implementation> open_killable(const std::string& spec, std::chrono::milliseconds timeout);

// The expectations file of an implementation: `expect_option` is --expect (a file, or "none");
// by default an implementation kind's own (drivers/cpython/, drivers/boost/expectations.json),
// else none. A spec's @METHOD limits the entries to that start method.
harness::Expectations expectations_for(const std::string& expect_option, const std::string& spec);
// One subject per implementation spec (expanded), each with its expectations.
std::vector<harness::Subject> subjects_of(const std::vector<std::string>& specs, const std::string& expect_option);
// The interpreters cpython:all stands for: $(pyenv root)/versions/*/bin/python (oldest first),
// then python, python2, python2.7, python3 and python3.N in every PATH directory but pyenv's
// shims, one per real executable (realpath).
std::vector<std::string> find_cpythons();

// A seeded fault of shmcheck_mutant: its name, the suite expected to catch it, what it breaks.
struct MutantInfo {
  std::string name;
  std::string suite;
  std::string description;
};
// The faults of shmcheck_mutant, in its table's order (it is asked with --list). ValueError if it cannot be run.
std::vector<MutantInfo> list_mutants();

}  // namespace shmcheck::cli
