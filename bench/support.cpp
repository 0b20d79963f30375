#include "support.hpp"

#include <linux/futex.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <exception>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace shmcheck::bench {

SharedMemory::SharedMemory(std::size_t bytes) : bytes_(bytes) {
  data_ = mmap(nullptr, bytes == 0 ? 1 : bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (data_ == MAP_FAILED) throw std::system_error(errno, std::generic_category(), "mmap (shared, anonymous)");
}

SharedMemory::~SharedMemory() { munmap(data_, bytes_ == 0 ? 1 : bytes_); }

double median_of(std::vector<double>& values) {
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  double median = *middle;
  if (values.size() % 2 == 0) median = (median + *std::max_element(values.begin(), middle)) / 2;
  return median;
}

std::int64_t now_ns() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return std::int64_t(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

namespace {

// std::atomic<uint32_t> is a plain 4-byte word (static_assert below): the futex is its address.
static_assert(sizeof(std::atomic<std::uint32_t>) == 4 && std::atomic<std::uint32_t>::is_always_lock_free);

std::uint32_t* futex_word(const std::atomic<std::uint32_t>& word) {
  return reinterpret_cast<std::uint32_t*>(const_cast<std::atomic<std::uint32_t>*>(&word));
}

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Spins until `word` holds `value`, calling `alive` (which throws or exits when the other
// process is gone) every 100 ms: a peer the host has descheduled is waited for, a dead one is not.
// The clock is first read after 4096 spins, never on the way of a trip that is answered at
// once: round_trip_ns times each trip, and a clock read costs what a trip does.
void spin_until(const std::atomic<std::uint32_t>& word, std::uint32_t value, const std::function<void()>& alive) {
  constexpr std::int64_t kAliveEveryNs = 100'000'000;
  std::int64_t next_check = 0;  // set at the first look at the clock
  for (unsigned spins = 1; word.load(std::memory_order_acquire) != value; ++spins) {
    cpu_relax();
    if (spins % 4096 != 0) continue;
    const std::int64_t now = now_ns();
    if (next_check == 0) {
      next_check = now + kAliveEveryNs;
    } else if (now > next_check) {
      alive();
      next_check = now + kAliveEveryNs;
    }
  }
}

// The partner's half of round_trip_ns: answers each odd ping with the next even number.
void answer_pings(std::atomic<std::uint32_t>& ping, std::uint32_t trips, const std::function<void()>& parent_alive) {
  for (std::uint32_t i = 1; i <= trips; ++i) {
    spin_until(ping, 2 * i - 1, parent_alive);
    ping.store(2 * i, std::memory_order_release);
  }
}

}  // namespace

void wait_change(const std::atomic<std::uint32_t>& word, std::uint32_t seen, const std::function<void()>& check) {
  // About 50 microseconds of spinning: longer than the gap between two rounds of one
  // benchmark, far shorter than a round of the slow ones, where sleeping costs nothing.
  const std::int64_t spin_until = now_ns() + 50'000;
  for (unsigned n = 0; word.load(std::memory_order_acquire) == seen; ++n) {
    cpu_relax();
    if (n % 64 == 0 && now_ns() > spin_until) break;
  }
  while (word.load(std::memory_order_acquire) == seen) {
    timespec tick{0, 100'000'000};
    syscall(SYS_futex, futex_word(word), FUTEX_WAIT, seen, &tick, nullptr, 0);
    if (check) check();
  }
}

void wake_all(std::atomic<std::uint32_t>& word) {
  syscall(SYS_futex, futex_word(word), FUTEX_WAKE, INT32_MAX, nullptr, nullptr, 0);
}

namespace {

// The first two CPUs of `allowed`, or nothing when it has fewer.
std::optional<std::pair<int, int>> two_cpus(const cpu_set_t& allowed) {
  int found[2], n = 0;
  for (int cpu = 0; cpu < CPU_SETSIZE && n < 2; ++cpu)
    if (CPU_ISSET(cpu, &allowed)) found[n++] = cpu;
  if (n < 2) return std::nullopt;
  return std::pair{found[0], found[1]};
}

bool pin_to(int cpu) noexcept {
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);
  return sched_setaffinity(0, sizeof one, &one) == 0;
}

}  // namespace

Partner::Partner(std::function<void(std::uint64_t)> round, Placement placement) {
  std::optional<std::pair<int, int>> cpus;
  if (placement != Placement::anywhere) {
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) == 0 && (cpus = two_cpus(allowed))) {
      pinned_for_life_ = placement == Placement::apart;
      if (pinned_for_life_ && !pin_to(cpus->first))
        throw std::system_error(errno, std::generic_category(), "sched_setaffinity of the parent");
      parent_cpus_ = allowed;
      parent_cpu_ = cpus->first;
    }
  }
  pid_ = fork();
  if (pid_ < 0) {
    const int err = errno;
    if (pinned_for_life_) sched_setaffinity(0, sizeof *parent_cpus_, &*parent_cpus_);
    throw std::system_error(err, std::generic_category(), "fork of the partner process");
  }
  if (pid_ == 0) run_child(round, cpus ? cpus->second : -1, placement == Placement::probe);
}

void Partner::run_child(const std::function<void(std::uint64_t)>& round, int cpu, bool probe_only) {
  Control& c = *control_;
  auto fail = [&c](const char* why) {
    std::strncpy(c.why, why, sizeof(c.why) - 1);
    c.failed.store(1);
  };
  // A probe's partner has no use for the parent's descriptors, and a driver's pipe it kept
  // open would hide the end of the driver's input from it if the parent restarted that driver.
  if (probe_only) close_range(3, ~0U, 0);
  if (cpu >= 0 && !pin_to(cpu)) {
    fail("sched_setaffinity of the partner process failed");
    _exit(1);  // the parent's start() or finish() then throws with the reason (check_alive)
  }
  const pid_t parent = getppid();
  // A parent that dies (a benchmark killed by a timeout) must not leave the partner waiting.
  auto parent_alive = [parent] {
    if (getppid() != parent) _exit(0);
  };
  std::uint64_t user_round = 0;  // the round callback's numbers: probes take none
  for (std::uint32_t n = 1;; ++n) {
    wait_change(c.round, n - 1, parent_alive);
    if (c.stop.load()) _exit(0);
    const std::uint32_t trips = c.probe.load(std::memory_order_acquire);
    c.begun.store(n, std::memory_order_release);
    wake_all(c.begun);  // the parent may have stopped spinning (a loaded machine wakes us late)
    try {
      if (trips > 0) answer_pings(c.ping, trips, parent_alive);
      else round(++user_round);
    } catch (const std::exception& e) {
      fail(e.what());
    } catch (...) {
      fail("the partner process failed");
    }
    c.done.store(n, std::memory_order_release);
    wake_all(c.done);
    if (c.failed.load()) _exit(1);
  }
}

double Partner::round_trip_ns(int trips) {
  if (trips < 1) throw std::invalid_argument("round_trip_ns needs at least one trip");
  Control& c = *control_;
  // Placement::probe: on the first CPU for the probe only, back to the parent's set after it.
  struct Unpin {
    const cpu_set_t* cpus;
    ~Unpin() {
      if (cpus) sched_setaffinity(0, sizeof *cpus, cpus);
    }
  } unpin{nullptr};
  if (parent_cpus_ && !pinned_for_life_) {
    if (!pin_to(parent_cpu_)) throw std::system_error(errno, std::generic_category(), "sched_setaffinity of the parent");
    unpin.cpus = &*parent_cpus_;
  }
  c.ping.store(0, std::memory_order_relaxed);
  c.probe.store(static_cast<std::uint32_t>(trips), std::memory_order_relaxed);
  start();  // its release of `round` publishes both stores; the partner reads `probe` before "begun"
  c.probe.store(0, std::memory_order_relaxed);
  std::vector<double> trip_ns;
  trip_ns.reserve(static_cast<std::size_t>(trips));
  for (std::uint32_t i = 1; i <= static_cast<std::uint32_t>(trips); ++i) {
    const std::int64_t t0 = now_ns();
    c.ping.store(2 * i - 1, std::memory_order_release);
    spin_until(c.ping, 2 * i, [this] { check_alive(); });
    trip_ns.push_back(static_cast<double>(now_ns() - t0));
  }
  finish();
  return median_of(trip_ns);
}

void Partner::check_alive() {
  // Once it has exited, every call throws: a start() or finish() must never wait on it again.
  if (exit_status_ < 0) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) != pid_) return;
    exit_status_ = status;
  }
  if (control_->failed.load()) throw_failure();
  throw std::runtime_error("the partner process died (wait status " + std::to_string(exit_status_) + ")");
}

void Partner::throw_failure() const {
  throw std::runtime_error(std::string("in the partner process: ") + control_->why);
}

void Partner::start() {
  Control& c = *control_;
  const std::uint32_t n = c.round.load() + 1;
  c.round.store(n, std::memory_order_release);
  wake_all(c.round);
  wait_change(c.begun, n - 1, [this] { check_alive(); });
}

void Partner::finish() {
  Control& c = *control_;
  const std::uint32_t n = c.round.load();
  wait_change(c.done, n - 1, [this] { check_alive(); });
  if (c.failed.load()) throw_failure();
}

Partner::~Partner() {
  if (pinned_for_life_) sched_setaffinity(0, sizeof *parent_cpus_, &*parent_cpus_);
  if (exit_status_ < 0) {
    control_->stop.store(1);
    control_->round.fetch_add(1);
    wake_all(control_->round);
    // It exits within microseconds unless it is stuck (a lock it can never get): then kill.
    for (int tries = 0; tries < 200; ++tries) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      usleep(1000);
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

}  // namespace shmcheck::bench
