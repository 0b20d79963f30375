#pragma once
// Whether a process the tests started still runs.
#include <signal.h>
#include <sys/types.h>

#include <fstream>
#include <string>

namespace shmcheck::harness::test {

// Gone, or a zombie waiting for its (new) parent to reap it: either way it runs no more.
inline bool process_gone(pid_t pid) {
  if (kill(pid, 0) != 0) return true;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_s, comm, state;
  stat >> pid_s >> comm >> state;
  return state == "Z" || state == "X";
}

}  // namespace shmcheck::harness::test
