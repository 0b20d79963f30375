#include "support/emulator.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace shmcheck::test {

std::optional<std::string> owner_death_undetectable() {
  // glibc registers every thread's robust list at its start; get_robust_list shows whether
  // the kernel holds one for this thread. qemu-user answers ENOSYS to both calls.
  void* head = nullptr;
  std::size_t length = 0;
  if (syscall(SYS_get_robust_list, 0, &head, &length) != 0)
    return "emulator: get_robust_list fails (" + std::string(std::strerror(errno)) +
           "): no robust futex list reaches the kernel (qemu-user does not implement set_robust_list), "
           "so a dead owner's lock is never reported";
  if (head == nullptr) return "no robust futex list is registered for this thread, so a dead owner's lock is never reported";
  return std::nullopt;
}

std::vector<std::string> exec_argv(const std::string& program) {
  std::vector<std::string> argv;
  if (const char* wrapper = std::getenv("SHMCHECK_EXEC_WRAPPER")) {
    std::istringstream words(wrapper);
    for (std::string w; words >> w;) argv.push_back(w);
  }
  argv.push_back(program);
  return argv;
}

std::string exec_command_line(const std::string& program) {
  std::string line;
  for (const auto& word : exec_argv(program)) line += (line.empty() ? "'" : " '") + word + "'";
  return line;
}

}  // namespace shmcheck::test
