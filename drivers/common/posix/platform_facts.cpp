#include "drivers/common/platform_facts.hpp"

#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace shmcheck::drivers {

nlohmann::json platform_facts() {
  utsname u{};
  uname(&u);
  nlohmann::json facts = {{"os", "linux"}, {"machine", u.machine}, {"detail", std::string(u.sysname) + " " + u.release}};
  // glibc registers every thread's robust list at its start; asking for this thread's own is
  // harmless and tells whether the kernel (or what stands in for it) keeps one.
  void* head = nullptr;
  std::size_t length = 0;
  const bool robust = syscall(SYS_get_robust_list, 0, &head, &length) == 0;
  facts["robust_futex"] = robust;
  if (!robust) facts["robust_futex_error"] = std::strerror(errno);
  return facts;
}

}  // namespace shmcheck::drivers
