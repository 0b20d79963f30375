#include "support/own_census.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace shmcheck::test {

const std::string& own_shm_prefix() {
  static const std::string prefix = [] {
    std::string p = "shmcheck-unit-" + std::to_string(::getpid()) + "-";
    ::setenv("SHMCHECK_SHM_PREFIX", p.c_str(), 1);
    return p;
  }();
  return prefix;
}

namespace {
// Before main: the first segment a test creates already carries the prefix.
const bool prefix_set = !own_shm_prefix().empty();
}  // namespace

Census own(Census c) {
  const std::string& p = own_shm_prefix();
  c.dev_shm.erase(std::remove_if(c.dev_shm.begin(), c.dev_shm.end(), [&](const std::string& n) { return n.rfind(p, 0) != 0; }),
                  c.dev_shm.end());
  return c;
}

}  // namespace shmcheck::test
