#pragma once
// The registry: implementation specs, as given on the command line, what they start and the
// expectations file that applies to each.
//   ref                the reference, in process
//   boost              Boost.Interprocess (shmcheck_boost_driver, next to shmcheck)
//   exec:CMD ARGS...   any program that speaks the driver protocol
//   python...          a Python implementation and module (pythons.hpp: python[:PYTHON]
//                      [+MODULE][@METHOD], python:all, and cpython... by its older name)
//   mutant:NAME        the reference with the seeded fault NAME (shmcheck_mutant NAME)
//   mutant:all         every seeded fault
#include <shmcheck/harness/confinement.hpp>
#include <shmcheck/harness/exec_implementation.hpp>
#include <shmcheck/harness/expectations.hpp>
#include <shmcheck/harness/implementation.hpp>
#include <shmcheck/harness/suite.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace shmcheck::cli {

// Expands python:all, cpython:all and mutant:all (and leaves every other spec alone).
// ValueError for an unknown kind, mutant, start method or module name.
std::vector<std::string> expand_specs(const std::vector<std::string>& specs);
// Starts one implementation; Broken if it cannot be started or fails its handshake.
std::unique_ptr<harness::Implementation> open_implementation(const std::string& spec,
                                                            std::chrono::milliseconds timeout = std::chrono::seconds(10));
// The suite loop's opener: open_implementation with this request deadline.
harness::Opener opener(std::chrono::milliseconds timeout);
// An instance of `spec` that can be SIGKILLed alone: the in-process reference is opened as
// its exec: driver (`shmcheck driver ref`), anything else as itself.
std::unique_ptr<harness::Implementation> open_killable(const std::string& spec, std::chrono::milliseconds timeout);

// An instance of `spec` started in `confinement`'s surroundings, always as an exec: driver (the
// reference as `shmcheck driver ref`): the fault suite's. faults::CannotConfine for what runs
// under an emulator (foreign specs).
std::unique_ptr<harness::ExecImplementation> open_confined(const std::string& spec, std::chrono::milliseconds timeout,
                                                           const harness::Confinement& confinement);

// The expectations of an implementation, once it has said what it is. `expect_option` is
// --expect: a file (applied to every implementation), "none", or "" for each one's own:
// drivers/boost/expectations.json for boost; for a Python implementation the module's file
// (drivers/python/expectations/billiard.json) when the module is not the standard one, else
// the implementation's (cpython.json, pypy.json). Entries are narrowed to the
// implementation's name, version, module version and the spec's start method.
std::function<harness::Expectations(const harness::Description&)> expectations_for(const std::string& expect_option,
                                                                                    const std::string& spec);
// One subject per implementation spec (expanded), each with its expectations.
std::vector<harness::Subject> subjects_of(const std::vector<std::string>& specs, const std::string& expect_option);

// A seeded fault of shmcheck_mutant: its name, the suite expected to catch it, what it breaks.
struct MutantInfo {
  std::string name;
  std::string suite;
  std::string description;
};
// The faults of shmcheck_mutant, in its table's order (it is asked with --list). ValueError if
// it cannot be run.
std::vector<MutantInfo> list_mutants();

}  // namespace shmcheck::cli
