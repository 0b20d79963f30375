#pragma once
// What a fault case saw: the steps it ran, the first the fault affected, and how that went. An
// observation, not a verdict: judge.hpp makes the verdict of it.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace shmcheck::faults {

struct Step {
  std::string op;    // the protocol operation, or what shmcheck did ("fill", "SIGSTOP")
  std::string what;  // in words
  bool ok = true;    // false: refused, wrong, or where the implementation ended
  double ms = 0;
  std::string note;  // the error, the wrong value, the time a wait took
};

// How the implementation met the fault, worst last: a case records the worst it saw.
enum class Outcome {
  works,                 // every operation did what it should
  refused,               // an operation failed with an error the implementation reported
  not_recovered,         // refused again after everything made was dropped: something was kept (a leak)
  wrong_value,           // a value read back is not the one written
  timeout_not_honoured,  // acquire(timeout=) came back late, or with the lock a stopped process holds
  exited,                // the driver's process ended (not by a signal) in the middle of it
  signal,                // ... killed by a signal (SIGBUS, SIGSEGV, the OOM killer's SIGKILL)
  hang,                  // no answer within the request's deadline
  not_run,               // the fault could not be set up (unsupported, broken)
};
const char* to_string(Outcome o);

struct Observation {
  std::vector<Step> steps;
  std::optional<std::size_t> first_affected;  // index into steps
  Outcome outcome = Outcome::works;
  std::string detail;                          // of the outcome, one line
  nlohmann::json error = nullptr;              // the first error reported: kind, type, message
  std::optional<int> signal;
  std::vector<std::string> left_behind;        // "/dev/shm/NAME", "/dev/shm/.shmcheck-tmp/NAME/" (TMPDIR)
  std::string broken;       // the driver broke in a way that is not the fault's (a protocol error)
  std::string unsupported;  // the fault or what the case needs is not available here

  // Records `o` if it is worse than what was seen so far, with its step and detail.
  void saw(Outcome o, std::size_t step, const std::string& detail);
};

}  // namespace shmcheck::faults
