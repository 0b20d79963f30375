#pragma once
// Getting an ABI's observation: build the probe for it and run it (executed), compile the
// static probe and read the object file back (probed), or ask an interpreter (cpython).
// Nothing here judges: a missing tool makes the observation `unsupported`, a tool that fails
// or a probe that crashes or prints garbage makes it `broken`, each with the reason.
#include "config.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace shmcheck::audit {

struct Observation {
  enum class Status { ok, unsupported, broken } status = Status::ok;
  std::string reason;     // why not ok
  nlohmann::json probe;   // the probe's JSON (read from the object file for probed ABIs)
  std::string compiler;   // the compiler's --version line
  std::string emulator;   // the emulator's --version line ("" when native)
  std::string command;    // how the probe was run, for people
  double seconds = 0;     // building and running
};

struct Environment {
  std::string audit_dir;     // audit/ of the source tree: probe sources, data
  std::string native_probe;  // the probe CMake built for this host
  std::string work_dir;      // scratch: cross-built probes, object files, the wine prefix
  std::string host_machine;  // uname -m
};

// The ABI whose native_machine is this host's (nullptr when none).
const AbiConfig* native_abi(const AuditData& data, const std::string& host_machine);

Observation observe_executed(const AbiConfig& abi, const AuditData& data, const Environment& env);
Observation observe_probed(const AbiConfig& abi, const AuditData& data, const Environment& env);
Observation observe_cpython(const std::string& python, const Environment& env);

// The wine prefix of this audit, and stopping the wineserver it started (once, at the end).
std::string wine_prefix(const Environment& env);
void stop_wineserver(const Environment& env);

}  // namespace shmcheck::audit
