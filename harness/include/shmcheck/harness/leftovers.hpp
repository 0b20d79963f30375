#pragma once
// What an implementation leaves behind in the machine's shared namespaces: /dev/shm entries
// and System V segments. The suite loop watches each subject from before its first case until
// it is stopped. What is the implementation's for certain (named with its prefix, or held by
// its processes when it was stopped, then left) was removed by stopping it; anything else that
// appeared meanwhile is named too, but left alone: the watch sees the whole machine, and
// another program may have made it. Both are named on the console and counted in
// results.json (leftovers).
#include <shmcheck/census.hpp>

#include <sys/types.h>

#include <set>
#include <string>
#include <vector>

namespace shmcheck::harness {

struct Leftovers {
  std::vector<std::string> dev_shm;   // the implementation's, removed
  std::vector<std::string> appeared;  // appeared while it ran, not known to be its own: left alone
  bool empty() const noexcept { return dev_shm.empty() && appeared.empty(); }
};

class LeftoverWatch {
 public:
  LeftoverWatch();  // the census before
  // `removed`: what stopping the implementation removed as its own; the rest of what appeared
  // since, in /dev/shm and as SysV segments, is named but kept.
  // `watch_machine` false: the implementations ran in namespaces of their own, and what
  // appeared in the machine's is not theirs.
  Leftovers collect(const std::vector<std::string>& removed = {}, bool watch_machine = true);

 private:
  Census before_;
};

// The /dev/shm names that the live processes of process group `pgid` have open or mapped.
std::set<std::string> dev_shm_held_by_group(pid_t pgid);

}  // namespace shmcheck::harness
