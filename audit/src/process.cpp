#include "process.hpp"

#include <shmcheck/harness/interrupt.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace shmcheck::audit {

std::string CommandResult::failure() const {
  std::string why = !started ? error
                    : timed_out ? "timed out"
                    : signal    ? "killed by signal " + std::to_string(signal)
                                : "exit " + std::to_string(exit_code);
  std::string tail = err.size() > 600 ? "..." + err.substr(err.size() - 600) : err;
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.pop_back();
  return tail.empty() ? why : why + ": " + tail;
}

std::string find_program(const std::string& name) {
  auto executable = [](const std::string& p) {
    struct stat st{};
    return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(p.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string::npos) return executable(name) ? name : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (std::size_t start = 0; start <= dirs.size();) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    const std::string dir = dirs.substr(start, end - start);
    if (!dir.empty() && executable(dir + "/" + name)) return dir + "/" + name;
    start = end + 1;
  }
  return "";
}

namespace {

void drain(int& fd, std::string& into) {
  if (fd < 0) return;
  char buf[65536];
  while (true) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      into.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) {
      close(fd);
      fd = -1;
    }
    return;  // EAGAIN: nothing more for now
  }
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                          double timeout_seconds) {
  CommandResult r;
  const std::string program = argv.empty() ? "" : find_program(argv[0]);
  if (program.empty()) {
    r.error = argv.empty() ? "no command" : argv[0] + " not found on PATH";
    return r;
  }
  int out[2], err[2];
  if (pipe(out) != 0 || pipe(err) != 0) {
    r.error = std::string("pipe: ") + std::strerror(errno);
    return r;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);  // the probe's workers, qemu's and wine's processes: one group to kill
    // A SIGKILLed shmcheck takes the probe with it (the probe's own workers die with it in
    // turn); a parent gone before the prctl is seen in getppid().
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(126);
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    close(out[0]), close(out[1]), close(err[0]), close(err[1]);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(program.c_str(), args.data());
    const std::string msg = "exec " + program + ": " + std::strerror(errno) + "\n";
    (void)!write(STDERR_FILENO, msg.data(), msg.size());
    _exit(127);
  }
  close(out[1]), close(err[1]);
  if (pid < 0) {
    r.error = std::string("fork: ") + std::strerror(errno);
    close(out[0]), close(err[0]);
    return r;
  }
  setpgid(pid, pid);  // also from here: no race with the child's own call
  harness::register_group(pid);  // an interrupted shmcheck kills it at once
  r.started = true;
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  fcntl(err[0], F_SETFL, O_NONBLOCK);
  int fds[2] = {out[0], err[0]};
  const auto deadline = t0 + std::chrono::duration<double>(timeout_seconds);
  int status = 0;
  bool exited = false;
  while (!exited) {
    pollfd p[2];
    int n = 0;
    for (int fd : fds)
      if (fd >= 0) p[n++] = {fd, POLLIN, 0};
    if (n) poll(p, static_cast<nfds_t>(n), 50);
    else usleep(20000);
    drain(fds[0], r.out);
    drain(fds[1], r.err);
    siginfo_t info{};
    // WNOWAIT: ended but not reaped, so that its group id cannot be anybody else's yet.
    if (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid) {
      kill(-pid, SIGKILL);  // what it left running in its group ends with it
      waitpid(pid, &status, 0);
      exited = true;
    } else if (std::chrono::steady_clock::now() > deadline) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      r.timed_out = exited = true;
    }
  }
  harness::unregister_group(pid);
  drain(fds[0], r.out);
  drain(fds[1], r.err);
  for (int fd : fds)
    if (fd >= 0) close(fd);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!r.timed_out) {
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  }
  return r;
}

std::string version_line(const std::string& program) {
  const CommandResult r = run_command({program, "--version"}, {}, 20);
  if (!r.ok()) return "";
  const std::string& text = r.out.empty() ? r.err : r.out;
  return text.substr(0, text.find('\n'));
}

}  // namespace shmcheck::audit
