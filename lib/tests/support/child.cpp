#include "support/child.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

namespace shmcheck::test {

std::string ChildEnd::describe() const {
  if (timed_out) return "timed out (killed)";
  if (exited) return "exited with " + std::to_string(code);
  return "killed by signal " + std::to_string(signal);
}

Child::Child(std::function<int()> body) {
  std::fflush(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    int rc = 99;
    try {
      rc = body();
    } catch (...) {
    }
    _exit(rc);  // no atexit handlers, no gtest teardown in the child
  }
}

Child::Child(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::fflush(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    execv(args[0], args.data());
    _exit(127);
  }
}

Child::~Child() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void Child::kill(int sig) { ::kill(pid_, sig); }

ChildEnd Child::wait(std::chrono::milliseconds deadline) {
  ChildEnd end;
  const auto until = std::chrono::steady_clock::now() + deadline;
  int status = 0;
  for (;;) {
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) break;
    if (std::chrono::steady_clock::now() > until) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      end.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  reaped_ = true;
  if (!end.timed_out) {
    end.exited = WIFEXITED(status);
    end.code = end.exited ? WEXITSTATUS(status) : -1;
    end.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  }
  return end;
}

ChildEnd run_in_child(std::function<int()> body, std::chrono::milliseconds deadline) {
  Child c(std::move(body));
  return c.wait(deadline);
}

Signal::Signal() {
  if (pipe(fds_) != 0) std::abort();
}
Signal::~Signal() {
  close(fds_[0]);
  close(fds_[1]);
}
void Signal::notify() {
  const char b = 1;
  if (write(fds_[1], &b, 1) != 1) std::abort();
}
bool Signal::wait(std::chrono::milliseconds deadline) {
  pollfd p{fds_[0], POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(deadline.count())) != 1) return false;
  char b;
  return read(fds_[0], &b, 1) == 1;
}

}  // namespace shmcheck::test
