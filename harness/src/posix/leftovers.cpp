#include <shmcheck/harness/leftovers.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace shmcheck::harness {
namespace fs = std::filesystem;

namespace {

bool is_pid(const std::string& s) { return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }); }

// The process group of /proc/PID (-1 when it is gone): after the last ')' of stat, as comm
// may hold spaces and parentheses.
long group_of(const fs::path& proc) {
  std::ifstream stat(proc / "stat");
  std::string line;
  if (!std::getline(stat, line)) return -1;
  const auto close = line.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(line.substr(close + 1));
  char state = 0;
  long ppid = 0, pgrp = -1;
  rest >> state >> ppid >> pgrp;
  return pgrp;
}

}  // namespace

std::set<std::string> dev_shm_held_by_group(pid_t pgid) {
  std::set<std::string> held;
  const std::string prefix = "/dev/shm/";
  auto note = [&](const std::string& path) {
    // An unlinked entry shows as "... (deleted)": it is not in /dev/shm any more.
    if (path.rfind(prefix, 0) == 0 && path.find(" (deleted)") == std::string::npos) held.insert(path.substr(prefix.size()));
  };
  std::error_code ec;
  for (const auto& proc : fs::directory_iterator("/proc", ec)) {
    if (!is_pid(proc.path().filename().string()) || group_of(proc.path()) != pgid) continue;
    std::ifstream maps(proc.path() / "maps");
    for (std::string line; std::getline(maps, line);)
      if (const auto at = line.find(prefix); at != std::string::npos) note(line.substr(at));
    std::error_code fd_ec;
    for (const auto& fd : fs::directory_iterator(proc.path() / "fd", fd_ec)) note(fs::read_symlink(fd.path(), fd_ec).string());
  }
  return held;
}

LeftoverWatch::LeftoverWatch() : before_(take_census()) {}

Leftovers LeftoverWatch::collect(const std::vector<std::string>& removed, bool watch_machine) {
  Leftovers out;
  out.dev_shm = removed;
  if (!watch_machine) return out;
  const Census after = take_census();
  for (const auto& name : after.dev_shm)
    if (!std::binary_search(before_.dev_shm.begin(), before_.dev_shm.end(), name)) out.appeared.push_back("/dev/shm/" + name);
  for (const auto& seg : after.sysv_segments)
    if (!std::binary_search(before_.sysv_segments.begin(), before_.sysv_segments.end(), seg))
      out.appeared.push_back("SysV segment " + seg);
  return out;
}

}  // namespace shmcheck::harness
