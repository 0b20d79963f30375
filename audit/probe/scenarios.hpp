#pragma once
// The probe's executed scenarios, written once for every OS: the counter (held lock, atomic,
// raw increments from two processes), torn reads of the 8-byte typecodes, and a 16-byte
// compare-and-swap counter. Each worker is a separate process sharing one block; the
// platform half (platform_posix.hpp, platform_windows.hpp) creates the block and the
// processes. Only counts are reported: whether a count is right is shmcheck's call.
#include "table.hpp"

#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

namespace probe {

// torn: worker 0 writes, worker 1 reads.
enum class Role : int { counter_locked, counter_atomic, counter_raw, torn, cas16, platform_check };

constexpr int kMaxWorkers = 4;

// Two patterns whose both 4-byte halves differ, so that a read mixing halves of the two is
// recognised whatever the order of the halves' stores.
constexpr std::uint64_t kPatternA = 0x1111111122222222ull, kPatternB = 0x3333333344444444ull;
inline double double_a() { return 1.0 / 3.0; }  // 0x3FD5555555555555
inline double double_b() { return 0.1; }        // 0x3FB999999999999A

struct Shared {
  std::atomic<int> ready;  // start barrier: all workers run at once, or nothing races
  std::atomic<int> stop;   // the reader tells the writer it is done
  int workers;
  int role_arg;            // torn: the typecode, as a char
  long long increments;
  double budget_seconds;   // torn: reading time per typecode; cas16: deadline (a livelock stops)
  alignas(64) unsigned char lock_storage[128];  // the platform's process-shared mutex
  alignas(64) long long locked_counter;
  alignas(64) long long atomic_counter;
  alignas(64) volatile long long raw_counter;
  // Each at its own cache line and naturally aligned: what is measured is the width of the
  // stores the ABI's code makes, not a split across lines.
  alignas(64) volatile long long torn_q;
  alignas(64) volatile unsigned long long torn_Q;
  alignas(64) volatile double torn_d;
  alignas(64) long long torn_reads, torn_count;
  alignas(64) Pair cas;
  long long cas_done[kMaxWorkers];
  int cas_timed_out[kMaxWorkers];
  alignas(64) int platform_value;  // platform_check: the parent's word, answered by the worker
};

// The platform half provides these.
Shared* shared_block();
void lock_acquire(Shared* s);
void lock_release(Shared* s);
std::string run_workers(Role role, int n);  // "" once all n workers ran and exited 0, else why not
void platform_check_worker(Shared* s, int index);

inline double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

inline void barrier(Shared* s) {
  s->ready.fetch_add(1);
  while (s->ready.load() < s->workers) std::this_thread::yield();
}

inline bool torn_value(char code, Shared* s) {
  if (code == 'd') {
    const double v = s->torn_d;
    std::uint64_t bits, a, b;
    const double da = double_a(), db = double_b();
    std::memcpy(&bits, &v, 8), std::memcpy(&a, &da, 8), std::memcpy(&b, &db, 8);
    return bits != a && bits != b;
  }
  const std::uint64_t v = code == 'q' ? static_cast<std::uint64_t>(s->torn_q) : s->torn_Q;
  return v != kPatternA && v != kPatternB;
}

inline void torn_write(char code, Shared* s) {
  // Plain (volatile) stores of the whole value, as a RawValue or lock=False Value does.
  // A reader that died never says stop: the writer gives up long after the reader's budget.
  const double give_up = now_seconds() + s->budget_seconds + 60;
  for (std::uint64_t n = 0; !s->stop.load(std::memory_order_relaxed); ++n) {
    if (n % 65536 == 0 && now_seconds() > give_up) break;
    const bool a = n & 1;
    if (code == 'q') s->torn_q = static_cast<long long>(a ? kPatternA : kPatternB);
    else if (code == 'Q') s->torn_Q = a ? kPatternA : kPatternB;
    else s->torn_d = a ? double_a() : double_b();
  }
}

inline void torn_read(char code, Shared* s) {
  long long reads = 0, torn = 0;
  const double end = now_seconds() + s->budget_seconds;
  while (true) {
    for (int k = 0; k < 4096; ++k, ++reads) torn += torn_value(code, s);
    if (now_seconds() >= end) break;
  }
  s->torn_reads = reads;
  s->torn_count = torn;
  s->stop.store(1);
}

inline void cas16_worker(Shared* s, int index) {
  std::atomic_ref<Pair> pair(s->cas);
  const double end = now_seconds() + s->budget_seconds;
  long long done = 0;
  for (; done < s->increments; ++done) {
    Pair cur = pair.load(), next;
    int tries = 0;
    do {
      next = {cur.lo + 1, cur.hi + 1};
      // ppc64le under qemu livelocks here: a deadline turns that into a reported timeout.
      if (++tries % 1024 == 0 && now_seconds() > end) {
        s->cas_timed_out[index] = 1;
        s->cas_done[index] = done;
        return;
      }
    } while (!pair.compare_exchange_weak(cur, next));
  }
  s->cas_done[index] = done;
}

// What a worker process runs; the platform half calls it in the child.
inline void worker(Role role, int index, Shared* s) {
  barrier(s);
  switch (role) {
    case Role::counter_locked:
      for (long long i = 0; i < s->increments; ++i) {
        lock_acquire(s);
        ++s->locked_counter;
        lock_release(s);
      }
      break;
    case Role::counter_atomic:
      for (long long i = 0; i < s->increments; ++i) std::atomic_ref<long long>(s->atomic_counter).fetch_add(1);
      break;
    case Role::counter_raw:
      for (long long i = 0; i < s->increments; ++i) s->raw_counter = s->raw_counter + 1;
      break;
    case Role::torn:
      if (index == 0) torn_write(static_cast<char>(s->role_arg), s);
      else torn_read(static_cast<char>(s->role_arg), s);
      break;
    case Role::cas16: cas16_worker(s, index); break;
    case Role::platform_check: platform_check_worker(s, index); break;
  }
}

inline void reset(Shared* s, int workers) {
  s->ready.store(0);
  s->stop.store(0);
  s->workers = workers;
}

inline void report_error(Json& j, const std::string& error) {
  if (error.empty()) return;
  j.key("error").str(error);
}

struct Settings {
  long long increments = 200000;         // raw and atomic, per worker
  long long locked_increments = 50000;   // per worker: a held lock is slower, above all under wine
  double seconds = 0.3;                  // torn: per typecode; cas16: the deadline is 20 times it
};

inline void counter_scenario(Json& j, const Settings& st) {
  Shared* s = shared_block();
  j.key("counter").open();
  j.key("typecode").str("q");
  j.key("workers").integer(2);
  const struct {
    const char* mode;
    Role role;
  } modes[] = {{"locked", Role::counter_locked}, {"atomic", Role::counter_atomic}, {"raw", Role::counter_raw}};
  for (const auto& m : modes) {
    reset(s, 2);
    s->locked_counter = s->atomic_counter = 0;
    s->raw_counter = 0;
    s->increments = m.role == Role::counter_locked ? st.locked_increments : st.increments;
    const double t0 = now_seconds();
    const std::string error = run_workers(m.role, 2);
    const double t1 = now_seconds();
    const long long observed = m.role == Role::counter_locked   ? s->locked_counter
                               : m.role == Role::counter_atomic ? s->atomic_counter
                                                                : s->raw_counter;
    j.key(m.mode).open();
    j.key("expected").integer(2 * s->increments);
    j.key("observed").integer(observed);
    j.key("seconds").real(t1 - t0);
    report_error(j, error);
    j.close();
  }
  j.close();
}

inline void torn_scenario(Json& j, const Settings& st) {
  Shared* s = shared_block();
  j.key("torn").open();
  for (char code : {'q', 'Q', 'd'}) {
    reset(s, 2);
    s->role_arg = code;
    s->budget_seconds = st.seconds;
    s->torn_reads = s->torn_count = 0;
    s->torn_q = static_cast<long long>(kPatternA);
    s->torn_Q = kPatternA;
    s->torn_d = double_a();
    const std::string error = run_workers(Role::torn, 2);
    const std::string code_key(1, code);
    j.key(code_key.c_str()).open();
    j.key("reads").integer(s->torn_reads);
    j.key("torn").integer(s->torn_count);
    report_error(j, error);
    j.close();
  }
  j.close();
}

inline void cas16_scenario(Json& j, const Settings& st) {
  Shared* s = shared_block();
  reset(s, 2);
  s->cas = Pair{0, 0};
  s->increments = st.increments / 4;  // a CAS loop is slower than fetch_add
  s->budget_seconds = st.seconds * 20;
  for (int w = 0; w < kMaxWorkers; ++w) s->cas_done[w] = 0, s->cas_timed_out[w] = 0;
  const std::string error = run_workers(Role::cas16, 2);
  j.key("cas16").open();
  j.key("lock_free").boolean(std::atomic_ref<Pair>(s->cas).is_lock_free());
  j.key("attempted").integer(2 * s->increments);
  j.key("completed").integer(s->cas_done[0] + s->cas_done[1]);
  j.key("observed_lo").uinteger(s->cas.lo);
  j.key("observed_hi").uinteger(s->cas.hi);
  j.key("timed_out").boolean(s->cas_timed_out[0] || s->cas_timed_out[1]);
  report_error(j, error);
  j.close();
}

}  // namespace probe
