// The reference's driver on POSIX: fork for children and workers, exec for lifetime-exec.
#include "../platform.hpp"
#include "../ref_session.hpp"
#include "drivers/common/die_with_parent.hpp"
#include "drivers/common/exec_wrapper.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/handle.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

namespace shmcheck::drivers {

using nlohmann::json;

std::vector<std::string> self_command() {
  // /proc/self/exe names the emulated program under qemu-user, not qemu.
  std::vector<std::string> command = exec_wrapper();
  char buf[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  command.push_back(n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string("/proc/self/exe"));
  return command;
}

json host_capabilities() {
  return {{"child", true},
          {"async_child", true},
          {"start_methods", {"fork"}},
          {"scenarios", {"counter", "torn", "ring", "owner-death", "lifetime-cycles", "lifetime-create", "lifetime-outlive", "lifetime-exec"}}};
}

std::vector<std::string> RefSession::attach_reader{"/proc/self/exe", "driver", "attach-read"};

json RefSession::exec_read(const std::string& handle) {
  const ExportedHandle exported(object(json{{"obj", handle}}));
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw OSError(errno, "pipe for an exec'ed reader");
  std::vector<std::string> argv = attach_reader;
  argv.push_back(exported.text());
  const pid_t parent = getpid();  // for die_with_parent(), taken before fork
  const pid_t pid = fork();
  if (pid < 0) throw OSError(errno, "fork of an exec'ed reader");
  if (pid == 0) {
    die_with_parent(parent);
    dup2(out[1], STDOUT_FILENO);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execvp(args[0], args.data());  // an emulator in front (SHMCHECK_EXEC_WRAPPER) is found on PATH
    _exit(127);
  }
  close(out[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(out[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  close(out[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const json got = json::parse(text, nullptr, false);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || got.is_discarded())
    throw RuntimeError("the exec'ed reader failed (status " + std::to_string(status) + "): " + text.substr(0, 200));
  return got;
}

bool owner_by_exec() { return false; }
std::function<void()> RefSession::exec_hold(const std::string&) { throw RuntimeError("owner-death forks its owner here"); }

}  // namespace shmcheck::drivers
