#pragma once
// The stage of one fault case: a confined driver (harness::ExecImplementation), the requests
// the case makes of it, each recorded as a Step with its time, and what shmcheck does to the
// driver from outside (limits, signals, filling its filesystems). When the driver ends in the
// middle (a signal, an exit, a hang) the step says so and Ended is thrown: nothing more can run.
#include "observation.hpp"

#include <shmcheck/harness/exec_implementation.hpp>
#include <shmcheck/protocol/outcome.hpp>

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace shmcheck::faults {

struct Ended {};

class Stage {
 public:
  Stage(harness::ExecImplementation& impl, Observation& obs) : impl_(impl), obs_(obs) {}

  // Runs `ops` as one request, recorded as one step. An error among the outcomes is a refusal
  // (the first error of the case is kept); the outcomes are returned for the caller to check.
  std::vector<protocol::Outcome> run(const std::string& op, const std::string& what, const nlohmann::json& ops);
  protocol::Outcome run_one(const std::string& what, const nlohmann::json& op);

  // A value read back that is not what was written: the last step is wrong.
  void wrong(const std::string& detail);
  // Something shmcheck did itself, recorded as a step.
  void did(const std::string& op, const std::string& what, const std::string& note = "");
  Step& last() { return obs_.steps.back(); }
  std::size_t last_index() const { return obs_.steps.size() - 1; }

  // An array of `bytes` 'b' elements: write one element in every page and the last, then read
  // them back; false when the case cannot go on with it (refused or wrong).
  bool touch(const std::string& handle, std::uint64_t bytes, int salt);
  bool create_array(const std::string& handle, std::uint64_t bytes, const char* lock = "none");

  harness::ExecImplementation& impl() { return impl_; }
  Observation& observation() { return obs_; }

 private:
  harness::ExecImplementation& impl_;
  Observation& obs_;
};

// From outside the driver, to each of `pids`.
// Open descriptors (entries of /proc/PID/fd), and the address space in bytes (VmSize).
int open_descriptors(pid_t pid);
std::uint64_t address_space(pid_t pid);
// prlimit(2): soft and hard limit `resource` to `value`; errno's text when it failed.
std::string limit(pid_t pid, int resource, std::uint64_t value);
// Writes a file NAME in the directory `dirfd` until the filesystem is full; its bytes.
std::uint64_t fill_filesystem(int dirfd, const char* name);
// Whether `pid` is stopped (state T in /proc/PID/stat), waiting up to 2 s for it.
bool wait_stopped(pid_t pid);
std::string signal_name(int sig);

}  // namespace shmcheck::faults
