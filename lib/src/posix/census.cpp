// The census on Linux: /proc/self, /dev/shm and /proc/sysvipc.
#include <shmcheck/census.hpp>

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace shmcheck {
namespace {

std::vector<std::string> list_dir(const char* path) {
  std::vector<std::string> names;
  if (DIR* d = opendir(path)) {
    while (const dirent* e = readdir(d)) {
      const std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::size_t count_lines(const char* path) {
  std::ifstream in(path);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

std::size_t count_shared_mappings(const char* path) {
  // Columns: address perms offset dev inode [path]; perms is "rw-s" for a shared mapping.
  std::ifstream in(path);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) {
    const auto space = line.find(' ');
    if (space != std::string::npos && space + 4 < line.size() && line[space + 4] == 's') ++n;
  }
  return n;
}

std::vector<std::string> sysv_segments() {
  // Columns: key shmid perms size cpid lpid nattch uid ...; keep this user's segments.
  std::vector<std::string> out;
  std::ifstream in("/proc/sysvipc/shm");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string key, id, perms, size, cpid, lpid, nattch;
    unsigned long uid = 0;
    if (f >> key >> id >> perms >> size >> cpid >> lpid >> nattch >> uid && uid == getuid())
      out.push_back(key + "/" + id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<pid_t> children() {
  // /proc/<pid>/task/<tid>/children lists the children of each thread.
  std::vector<pid_t> out;
  const std::string task_dir = "/proc/" + std::to_string(getpid()) + "/task";
  for (const auto& tid : list_dir(task_dir.c_str())) {
    std::ifstream in(task_dir + "/" + tid + "/children");
    for (pid_t p; in >> p;) out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

Census take_census() {
  Census c;
  // Opening the directory costs a descriptor itself; it is in both counts alike.
  c.open_fds = list_dir("/proc/self/fd").size();
  c.map_lines = count_lines("/proc/self/maps");
  c.shared_map_lines = count_shared_mappings("/proc/self/maps");
  c.dev_shm = list_dir("/dev/shm");
  c.sysv_segments = sysv_segments();
  c.children = children();
  return c;
}

}  // namespace shmcheck
