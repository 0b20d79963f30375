#pragma once
// Running a tool of the audit (a cross compiler, a probe under qemu or wine, a Python) with a
// deadline and its output captured. A tool that is missing or that hangs is an observation
// (the ABI becomes unsupported or broken), never an exception that stops the audit.
#include <map>
#include <string>
#include <vector>

namespace shmcheck::audit {

struct CommandResult {
  bool started = false;   // false: it could not be executed at all (error says why)
  std::string error;
  int exit_code = -1;     // when it exited
  int signal = 0;         // when a signal ended it
  bool timed_out = false; // killed (with its process group) at the deadline
  std::string out, err;
  double seconds = 0;
  bool ok() const { return started && !timed_out && signal == 0 && exit_code == 0; }
  // "exit 1", "killed by signal 9", "timed out after 240 s", plus the last of stderr.
  std::string failure() const;
};

// Runs argv[0] (searched on PATH) with `env` added to the environment, in its own process
// group, killed with that group after `timeout_seconds`. Stops reading once the command
// itself has exited: wine leaves a wineserver behind that holds the pipes for seconds.
CommandResult run_command(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                          double timeout_seconds);

// The full path of `name` on PATH (or `name` itself when it has a slash and is executable);
// "" when there is none.
std::string find_program(const std::string& name);

// The first line of `program --version`, or "" when it does not answer.
std::string version_line(const std::string& program);

}  // namespace shmcheck::audit
