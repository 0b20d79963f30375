#pragma once
// Test support: run a function in a forked child and collect how it ended, with a deadline
// after which the child is killed, so no test can hang or leave a process behind.
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace shmcheck::test {

struct ChildEnd {
  bool exited = false;    // normal exit (then `code` is the status)
  int code = -1;
  int signal = 0;         // killed by this signal
  bool timed_out = false; // we killed it at the deadline
  std::string describe() const;
  bool ok() const { return exited && code == 0; }
};

// A child that has been forked and not yet reaped.
class Child {
 public:
  // Forks; the child runs `body` and exits with its return value (uncaught exceptions: 99).
  explicit Child(std::function<int()> body);
  // Forks and execs argv (argv[0] is a path).
  explicit Child(const std::vector<std::string>& argv);
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child();  // kills and reaps if still running

  pid_t pid() const { return pid_; }
  ChildEnd wait(std::chrono::milliseconds deadline = std::chrono::seconds(20));
  void kill(int sig);

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
};

// Runs `body` in a forked child and waits for it.
ChildEnd run_in_child(std::function<int()> body, std::chrono::milliseconds deadline = std::chrono::seconds(20));

// A pipe for one-byte signals between parent and child ("I hold the lock", "go on").
class Signal {
 public:
  Signal();
  ~Signal();
  void notify();                                            // write one byte
  bool wait(std::chrono::milliseconds deadline = std::chrono::seconds(10));  // read one byte
 private:
  int fds_[2];
};

}  // namespace shmcheck::test
