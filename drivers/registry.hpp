#pragma once
// Implementation specs, as given on the command line, and what they start:
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
#include "implementation.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace shmcheck::drivers {

// Expands "cpython:all[@METHOD]" and "mutant:all" (and leaves every other spec alone). ValueError for an
// unknown kind or an unknown mutant.
std::vector<std::string> expand_specs(const std::vector<std::string>& specs);
// Starts one implementation; Broken if it cannot be started or fails its handshake.
std::unique_ptr<harness::Implementation> open_implementation(const std::string& spec,
                                                            std::chrono::milliseconds timeout = std::chrono::seconds(10));
// Where driver.py and the other drivers live (SHMCHECK_DRIVERS_DIR overrides).
std::string drivers_dir();
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
// The shmcheck_mutant executable: next to the running program, else where it was built.
std::string mutant_binary();
// Its faults, in its table's order (it is asked with --list). ValueError if it cannot be run.
std::vector<MutantInfo> list_mutants();

}  // namespace shmcheck::drivers
