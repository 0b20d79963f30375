#include "../workers.hpp"
#include "drivers/common/die_with_parent.hpp"

#include <shmcheck/error.hpp>

#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <thread>

namespace shmcheck::drivers::scenarios {

using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kControlBytes = 64;

int exit_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

// The live workers of this process, for kill_all_workers(): plain atomics, a fixed array.
constexpr int kMaxWorkers = 512;
std::atomic<pid_t> live_workers[kMaxWorkers];
std::atomic<bool> killed_all{false};

void note_worker(pid_t pid) {
  for (auto& w : live_workers) {
    pid_t empty = 0;
    if (w.compare_exchange_strong(empty, pid)) return;
  }
}

void forget_worker(pid_t pid) {
  for (auto& w : live_workers) {
    pid_t mine = pid;
    if (w.compare_exchange_strong(mine, 0)) return;
  }
}

}  // namespace

void kill_all_workers() noexcept {
  killed_all.store(true);  // first: a worker forked from now on is killed by start() itself
  for (auto& w : live_workers)
    if (const pid_t pid = w.load(); pid > 0) kill(pid, SIGKILL);
}

bool workers_killed() noexcept { return killed_all.load(); }

std::int64_t process_id() { return getpid(); }

std::int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

WorkerGroup::WorkerGroup(int workers, std::size_t slot_bytes, bool pin)
    : workers_(workers), slot_bytes_((slot_bytes + 63) / 64 * 64), pin_(pin), pids_(static_cast<std::size_t>(workers), -1),
      exits_(static_cast<std::size_t>(workers), -1) {
  region_bytes_ = kControlBytes + slot_bytes_ * static_cast<std::size_t>(workers);
  region_ = mmap(nullptr, region_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (region_ == MAP_FAILED) throw OSError(errno, "mmap for the workers' scratch");
  new (region_) Control{};
}

WorkerGroup::~WorkerGroup() {
  for (std::size_t w = 0; w < pids_.size(); ++w)
    if (pids_[w] > 0 && exits_[w] < 0) {
      kill(pids_[w], SIGKILL);
      while (waitpid(pids_[w], nullptr, 0) < 0 && errno == EINTR) {
      }
    }
  for (const pid_t pid : pids_)
    if (pid > 0) forget_worker(pid);
  munmap(region_, region_bytes_);
}

void* WorkerGroup::slot(int w) const { return static_cast<char*>(region_) + kControlBytes + slot_bytes_ * static_cast<std::size_t>(w); }

void WorkerGroup::start(int w, const std::function<int(int, void*)>& body, bool barrier) {
  // Killed workers never arrive: one started after them would wait at the barrier, and the
  // scenario for it, until the deadline.
  if (workers_killed()) throw OSError(EINTR, "starting a worker: the workers were killed (shmcheck is stopping)");
  if (barrier) ++barrier_workers_;
  const pid_t parent = getpid();  // for die_with_parent(), taken before fork
  const pid_t pid = fork();
  if (pid < 0) throw OSError(errno, "fork of a worker");
  if (pid == 0) {
    die_with_parent(parent);
    int code = 99;
    try {
      if (pin_) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(static_cast<unsigned>(w) % std::max(1u, std::thread::hardware_concurrency()), &set);
        sched_setaffinity(0, sizeof set, &set);
      }
      if (barrier) {
        control().arrived.fetch_add(1);
        while (control().go.load() == 0) sched_yield();
      }
      code = body(w, slot(w));
    } catch (...) {
      code = 99;
    }
    _exit(code);  // no destructors: the session's objects are the parent's
  }
  pids_[static_cast<std::size_t>(w)] = pid;
  note_worker(pid);
  if (workers_killed()) kill(pid, SIGKILL);  // forked while kill_all_workers() ran; reaped by ~WorkerGroup
}

bool WorkerGroup::release(Clock::time_point deadline) {
  // Killed workers that had all arrived before the kill would otherwise be "released", and
  // the scenario would go on to judge processes that are gone.
  if (workers_killed()) return false;
  for (int k = 0; control().arrived.load() < barrier_workers_; ++k) {
    if (Clock::now() >= deadline || workers_killed()) return false;
    // A worker that died before it arrived never will (killed from outside: the OOM killer,
    // an interrupted shmcheck). Looked at every 10 ms, without reaping it (wait() does).
    if (k % 50 == 49)
      for (std::size_t w = 0; w < pids_.size(); ++w) {
        if (pids_[w] <= 0 || exits_[w] >= 0) continue;
        siginfo_t info{};
        if (waitid(P_PID, static_cast<id_t>(pids_[w]), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid != 0) return false;
      }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  released_ = Clock::now();
  control().go.store(1);
  return true;
}

bool WorkerGroup::wait(Clock::time_point deadline) {
  bool all = true;
  for (;;) {
    bool running = false;
    for (std::size_t w = 0; w < pids_.size(); ++w) {
      if (pids_[w] <= 0 || exits_[w] >= 0) continue;
      int status = 0;
      const pid_t r = waitpid(pids_[w], &status, WNOHANG);
      if (r == pids_[w]) {
        forget_worker(pids_[w]);  // reaped: its pid may be someone else's soon
        exits_[w] = exit_of(status);
        seconds_ = std::chrono::duration<double>(Clock::now() - released_).count();
      } else {
        running = true;
      }
    }
    if (!running) return all;
    if (Clock::now() >= deadline) {
      all = false;
      for (std::size_t w = 0; w < pids_.size(); ++w)
        if (pids_[w] > 0 && exits_[w] < 0) kill(pids_[w], SIGKILL);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
}

bool WorkerGroup::wait_for(int w, Clock::time_point deadline) {
  const auto k = static_cast<std::size_t>(w);
  while (exits_[k] < 0) {
    int status = 0;
    if (waitpid(pids_[k], &status, WNOHANG) == pids_[k]) {
      forget_worker(pids_[k]);
      exits_[k] = exit_of(status);
      break;
    }
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  return true;
}

void WorkerGroup::forget(int w, int exit_code) {
  forget_worker(pids_.at(static_cast<std::size_t>(w)));
  exits_.at(static_cast<std::size_t>(w)) = exit_code;
}

}  // namespace shmcheck::drivers::scenarios
