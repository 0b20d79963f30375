#pragma once
// One line of /proc/PID/stat, the fields the harness needs: who a process's parent and group
// are, and whether it still runs.
#include <sys/types.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace shmcheck::harness::detail {

struct ProcStat {
  pid_t pid = 0;
  char state = 0;  // 'Z' zombie, 'X' dead: it runs no more
  pid_t ppid = 0;
  pid_t pgrp = 0;
  bool running() const { return state != 'Z' && state != 'X'; }
};

// `proc` is /proc/PID; nullopt when it is gone or not a process.
inline std::optional<ProcStat> read_proc_stat(const std::filesystem::path& proc) {
  std::ifstream in(proc / "stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so parse after the last ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  ProcStat s;
  long ppid = 0, pgrp = 0;
  std::istringstream rest(line.substr(close + 1));
  if (!(rest >> s.state >> ppid >> pgrp)) return std::nullopt;
  s.pid = static_cast<pid_t>(std::atol(line.c_str()));
  s.ppid = static_cast<pid_t>(ppid);
  s.pgrp = static_cast<pid_t>(pgrp);
  return s;
}

}  // namespace shmcheck::harness::detail
