#pragma once
// Implementation specs, as given on the command line, and what they start:
//   ref                the reference, in process
//   exec:CMD ARGS...   any program that speaks the driver protocol
//   cpython[:PYTHON]   drivers/cpython/driver.py under PYTHON (default python3); PYTHON may be
//                      a path or a command with arguments, or a wrapper script
//   cpython:all        every distinct CPython on PATH and in pyenv
#include "implementation.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace shmcheck::drivers {

// Expands "cpython:all" (and leaves every other spec alone). ValueError for an unknown kind.
std::vector<std::string> expand_specs(const std::vector<std::string>& specs);
// Starts one implementation; Broken if it cannot be started or fails its handshake.
std::unique_ptr<harness::Implementation> open_implementation(const std::string& spec,
                                                            std::chrono::milliseconds timeout = std::chrono::seconds(10));
// Where driver.py and the other drivers live (SHMCHECK_DRIVERS_DIR overrides).
std::string drivers_dir();
// The interpreters cpython:all stands for: python3 on PATH and $(pyenv root)/versions/*/bin/python,
// one per real executable.
std::vector<std::string> find_cpythons();

}  // namespace shmcheck::drivers
