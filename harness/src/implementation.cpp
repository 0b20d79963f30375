#include <shmcheck/harness/implementation.hpp>

#include <shmcheck/protocol/driver_text.hpp>

#include <algorithm>
#include <cstdlib>

namespace shmcheck::harness {

std::string reason_with_stderr(const Broken& e) {
  constexpr std::size_t kShown = 2000;  // enough for a traceback's end, short enough to read
  const std::string& t = e.tail();
  if (t.empty()) return e.what();
  return std::string(e.what()) + "\n  stderr (last " + std::to_string(std::min(t.size(), kShown)) + " bytes):\n" +
         protocol::tail(t, kShown);  // from a character on, valid UTF-8 whatever it wrote
}

std::string Implementation::name_prefix() const {
  // In-process, it names things as this process does (the reference reads the same variable).
  const char* env = std::getenv("SHMCHECK_SHM_PREFIX");
  return env && *env ? env : "shmcheck-";
}

}  // namespace shmcheck::harness
