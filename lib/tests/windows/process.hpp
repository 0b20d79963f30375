#pragma once
// Test support on Windows: a child process started with CreateProcessW, inheriting the
// handles made inheritable for it (ExportedHandle), its stdout read through a pipe; killed
// (TerminateProcess) and waited for when the test is done with it, so none is left running.
#include <chrono>
#include <string>
#include <vector>

namespace shmcheck::test {

class Process {
 public:
  explicit Process(const std::vector<std::string>& argv);  // argv[0] is the program's path
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process();

  // Reads stdout until `line` has come (true) or the deadline passes or the output ends (false).
  bool read_until(const std::string& line, std::chrono::milliseconds deadline = std::chrono::seconds(20));
  // Waits for its end; -1 when it did not end by the deadline (then it is killed).
  int wait(std::chrono::milliseconds deadline = std::chrono::seconds(20));
  void kill();  // TerminateProcess: as abrupt as SIGKILL
  const std::string& output() const { return out_; }

 private:
  void* process_ = nullptr;
  void* stdout_ = nullptr;
  std::string out_;
};

// Starts argv, waits, returns {exit code, stdout without its last newline}.
std::pair<int, std::string> run(const std::vector<std::string>& argv);

}  // namespace shmcheck::test
