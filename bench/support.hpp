#pragma once
// What the multi-process benchmarks share: memory a forked child shares with its parent,
// and a partner process that does its share of the work in rounds the parent starts.
//
// Why rounds: Google Benchmark times the parent's loop only. With a fixed amount of work
// per process and round (the parent's share inside the timed iteration, the partner's
// between start() and finish()), the iteration's time covers both shares exactly, so
// "combined operations per second" is (rounds x work x processes) / time, with no
// sampling of a free-running child's counter at imprecise moments.
#include <sched.h>
#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace shmcheck::bench {

// MAP_SHARED | MAP_ANONYMOUS memory: shared with children forked after it is made, no name
// anywhere (nothing in /dev/shm), gone when the last process unmaps it.
class SharedMemory {
 public:
  explicit SharedMemory(std::size_t bytes);
  SharedMemory(const SharedMemory&) = delete;
  SharedMemory& operator=(const SharedMemory&) = delete;
  ~SharedMemory();
  void* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return bytes_; }

 private:
  void* data_;
  std::size_t bytes_;
};

// One T constructed in shared memory of its own (a mutex, a semaphore, a control block).
// Only the process that made it destroys it: a forked child leaves with _exit.
template <class T>
class InShared {
 public:
  template <class... Args>
  explicit InShared(Args&&... args) : mem_(sizeof(T)), ptr_(new (mem_.data()) T(std::forward<Args>(args)...)) {}
  ~InShared() { ptr_->~T(); }
  T& operator*() const noexcept { return *ptr_; }
  T* operator->() const noexcept { return ptr_; }
  T* get() const noexcept { return ptr_; }

 private:
  SharedMemory mem_;
  T* ptr_;
};

// The median of `values` (not empty); reorders them.
double median_of(std::vector<double>& values);

// CLOCK_MONOTONIC in nanoseconds: one clock for every process of the machine, so a time
// taken by the partner can end an interval the parent started.
std::int64_t now_ns();

// Sleeps until `word` != `seen`: spins first (a round follows the last one within
// microseconds, and a futex wake-up would cost more than the work it waits for), then waits
// on the futex. Works across processes (not FUTEX_PRIVATE). Calls `check` every 100 ms of
// sleep so that a waiter notices a dead partner instead of waiting forever.
void wait_change(const std::atomic<std::uint32_t>& word, std::uint32_t seen, const std::function<void()>& check);
// Wakes every waiter on `word` (after the caller stored its new value).
void wake_all(std::atomic<std::uint32_t>& word);

// A second process for one benchmark run, forked when made. Each start() lets it run
// round(n) once (n = 1, 2, ...); finish() waits until that round is done. An exception in
// the partner, or its death, becomes a std::runtime_error from finish() (the benchmark then
// reports it with SkipWithError). Destroying the Partner stops and reaps the process.
//
// The partner leaves with _exit, never running the parent's destructors or atexit handlers
// (Google Benchmark's among them): handles it inherited are not dropped, so the reference's
// small blocks it held are not reused within their arena (SEMANTICS.md, departure 2: safe,
// a few bytes per benchmark run); large segments are unmapped by the kernel at its exit.
class Partner {
 public:
  // Where the two processes run. `apart`: the parent on one allowed CPU and the partner on
  // another for the Partner's life (the parent's own CPU set is restored afterwards), when
  // at least two CPUs are allowed; else as `anywhere`. Why: left to the scheduler, two
  // processes that wake each other are now on one CPU, now on two, for seconds at a time,
  // and a pipe's or a contended lock's rate differs by up to 2x between the two (measured,
  // issue 17): a ratio then moves with the placement of the minute, not with what it compares.
  // `probe`: only the partner is pinned (to the second CPU), the parent only for the time of a
  // round_trip_ns(), so that processes the parent starts run where the scheduler puts them:
  // for a Partner that does no rounds and only measures where the two CPUs are.
  enum class Placement { anywhere, apart, probe };
  explicit Partner(std::function<void(std::uint64_t round)> round, Placement placement = Placement::anywhere);
  Partner(const Partner&) = delete;
  Partner& operator=(const Partner&) = delete;
  ~Partner();

  // Whether the two are on two CPUs (Placement::apart, or probe with the parent there during
  // a probe; two CPUs allowed): round_trip_ns() then measures the way between the two.
  bool apart() const noexcept { return parent_cpus_.has_value(); }

  // Starts the next round and returns once the partner has begun it, so that both
  // processes' shares overlap from their first operation.
  void start();
  // Waits until the partner's round is done; throws if it failed or died.
  void finish();

  // The round trip between this process and the partner now, in nanoseconds: the median of
  // `trips` cache-line ping-pongs, between rounds (never during one). Not a round: the
  // partner's round numbers go on as if it had not happened.
  double round_trip_ns(int trips = 33);
  // round_trip_ns() as paired()'s probe of where the CPUs are; none when not apart().
  std::function<double()> round_trip_probe() {
    if (!apart()) return {};
    return [this] { return round_trip_ns(); };
  }

 private:
  struct Control {
    std::atomic<std::uint32_t> round{0};  // the parent's: the round to run
    std::atomic<std::uint32_t> begun{0};  // the partner's: the round it has begun
    std::atomic<std::uint32_t> done{0};   // the partner's: the round it has finished
    std::atomic<std::uint32_t> stop{0};
    std::atomic<std::uint32_t> failed{0};
    std::atomic<std::uint32_t> probe{0};  // the parent's: the next start() is a ping-pong of this many trips
    alignas(64) std::atomic<std::uint32_t> ping{0};
    char why[256] = {};
  };
  void check_alive();
  [[noreturn]] void throw_failure() const;  // the partner's own reason (Control::why)
  // The partner's loop, pinned to `cpu` first unless it is -1; a Placement::probe partner
  // closes the descriptors it inherited.
  [[noreturn]] void run_child(const std::function<void(std::uint64_t)>& round, int cpu, bool probe_only);
  InShared<Control> control_;
  std::optional<cpu_set_t> parent_cpus_;  // the parent's CPU set (apart: restored by ~Partner; probe: after each probe)
  int parent_cpu_ = -1;                   // the CPU the parent pins itself to (for good or to probe)
  bool pinned_for_life_ = false;          // Placement::apart
  pid_t pid_ = -1;
  int exit_status_ = -1;  // once reaped
};

}  // namespace shmcheck::bench
