#pragma once
// Workers for the stress scenarios of the C++ drivers (stress/SCENARIOS.md). Workers
// share the session's objects (the implementation's memory is MAP_SHARED across fork) and a
// scratch region of their own for coordination and results, which is the harness's memory,
// not the implementation's: a start barrier, per-worker result slots.
//
// Nothing outlives a WorkerGroup: at the deadline, or when it is destroyed, every worker
// still running is SIGKILLed and reaped. The workers are forked (posix/workers.cpp); Windows
// has no fork, and start() there is Unsupported (windows/workers.cpp).
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <vector>

namespace shmcheck::drivers::scenarios {

// SIGKILLs every worker of every live WorkerGroup in this process; async-signal-safe, for an
// interrupted shmcheck whose in-process stress case would otherwise run to its deadline.
// For good: no worker is started afterwards (start() throws), and whatever waits for workers
// to arrive or report gives up at once instead of at its deadline.
void kill_all_workers() noexcept;
// Whether kill_all_workers() has run.
bool workers_killed() noexcept;

class WorkerGroup {
 public:
  // `slot_bytes` of zeroed scratch per worker, shared with it.
  WorkerGroup(int workers, std::size_t slot_bytes, bool pin);
  WorkerGroup(const WorkerGroup&) = delete;
  WorkerGroup& operator=(const WorkerGroup&) = delete;
  ~WorkerGroup();

  // Forks worker `w`: it waits at the barrier unless `barrier` is false, runs body(w, slot)
  // and exits with its return value (an exception: 99). OSError once kill_all_workers() ran.
  void start(int w, const std::function<int(int, void*)>& body, bool barrier = true);
  // Waits until every barrier worker has arrived, then releases them all at once. False if
  // they did not all arrive by the deadline, or one of them died first (then none will).
  bool release(std::chrono::steady_clock::time_point deadline);
  // Waits for every worker until the deadline, then kills the rest. True when all exited by
  // themselves. Seconds from release() to the last exit.
  bool wait(std::chrono::steady_clock::time_point deadline);
  // Waits for worker `w` alone until the deadline; true when it has exited.
  bool wait_for(int w, std::chrono::steady_clock::time_point deadline);
  double seconds() const noexcept { return seconds_; }
  // How each worker ended: exit status, or 128 + signal.
  const std::vector<int>& exits() const noexcept { return exits_; }
  pid_t pid(int w) const { return pids_.at(static_cast<std::size_t>(w)); }
  void* slot(int w) const;
  // Marks worker w as gone (the caller killed and reaped it).
  void forget(int w, int exit_code);

 private:
  struct Control {
    std::atomic<int> arrived;
    std::atomic<int> go;
  };
  int workers_;
  std::size_t slot_bytes_;
  bool pin_;
  void* region_ = nullptr;
  std::size_t region_bytes_ = 0;
  std::vector<pid_t> pids_;
  std::vector<int> exits_;
  int barrier_workers_ = 0;
  std::chrono::steady_clock::time_point released_{};
  double seconds_ = 0;
  Control& control() const { return *static_cast<Control*>(region_); }
};

// CLOCK_MONOTONIC in nanoseconds: comparable across processes of one machine.
std::int64_t monotonic_ns();
// This process's id (getpid, GetCurrentProcessId).
std::int64_t process_id();

}  // namespace shmcheck::drivers::scenarios
