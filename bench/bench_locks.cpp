// Locks and increments, in one process and in two contending ones (issue 8, items 1 and 2).
//
// Lock/KIND/procs:P: acquire+release pairs per second of every process together
// (counter pairs_per_second). The kinds, each living in memory shared across fork:
//   ref                       shmcheck::Lock: robust, recursive, with its owner/depth bookkeeping
//   pthread                   a plain process-shared pthread mutex: the limit for a mutex
//   pthread-robust            + PTHREAD_MUTEX_ROBUST: what robustness alone costs
//   pthread-robust-recursive  + PTHREAD_MUTEX_RECURSIVE: the mutex under shmcheck::Lock, so
//                             that ref / this is the cost of the bookkeeping alone
//   boost-recursive           boost::interprocess::interprocess_recursive_mutex
//   semaphore                 a process-shared POSIX semaphore used as a lock (sem_wait,
//                             sem_post): what CPython's multiprocessing lock is built on
//   atomic-fetch-add          one std::atomic fetch_add in place of a pair: the limit for
//                             an increment
//
// Increment/MODE/procs:P: increments per second of every process together (counter
// increments_per_second) on a reference Value<int>, by the stress suite's modes
// (stress/SCENARIOS.md): raw (RawValue, no lock), per-op (Value: each access locks once),
// held (Guard around the read and the write, which nest in it, as CPython's
// `with v.get_lock(): v.value += 1`), atomic (fetch_add).
//
// Ratio/lock-ref-vs-KIND/procs:P (bench/paired.hpp; KIND pthread-robust-recursive or pthread):
// shmcheck::Lock against that mutex, both measured in one benchmark, interleaved round by
// round, each repetition its own ratio (counter ratio, and each side's pairs per second). A
// round is kRatioOps pairs per process (milliseconds, so that the clock reads around it are
// noise); with two processes the one partner does its share of each round on the side the
// round measures, so both sides are contended alike, and runs on another CPU than the parent
// (Partner::Placement::apart says why). Time: the thread's CPU time with one process, real
// time with two, as below.
//
// One iteration is one round: each process does kOps operations; with two processes the
// partner starts its share when the parent starts its own, and the iteration ends when both
// are done (support.hpp). Time: with one process, its CPU time (a shared machine that
// deschedules it does not count, and nothing in it sleeps); with two, real time, since a
// process waiting for a lock sleeps and the rate is of both together. Nothing here
// checks a count: raw and per-op lose updates by design, and these are benchmarks, not tests
// (the stress suite judges the counts).
#include "paired.hpp"
#include "support.hpp"

#include <shmcheck/array.hpp>
#include <shmcheck/lock.hpp>
#include <shmcheck/raw_array.hpp>

#include <benchmark/benchmark.h>
#include <boost/interprocess/sync/interprocess_recursive_mutex.hpp>
#include <pthread.h>
#include <semaphore.h>

#include <atomic>
#include <cerrno>
#include <optional>
#include <system_error>

namespace {

using shmcheck::bench::InShared;
using shmcheck::bench::Partner;

// Per process and round: long enough that the round's start/finish handshake (about a
// microsecond) is noise, short enough that a round of the slowest lock takes milliseconds.
constexpr std::int64_t kOps = 10000;

struct RefLock {
  shmcheck::Lock lock = shmcheck::Lock::create();
  void op() {
    lock.acquire();
    lock.release();
  }
};

template <bool Robust, bool Recursive>
struct PthreadMutex {
  InShared<pthread_mutex_t> m;
  PthreadMutex() {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    if (Robust) pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    if (Recursive) pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    const int rc = pthread_mutex_init(m.get(), &attr);
    pthread_mutexattr_destroy(&attr);
    if (rc != 0) throw std::system_error(rc, std::generic_category(), "pthread_mutex_init");
  }
  ~PthreadMutex() { pthread_mutex_destroy(m.get()); }
  void op() {
    // Checked as the reference checks its own (an owner never dies here, so EOWNERDEAD
    // would be a bug worth stopping for).
    if (const int rc = pthread_mutex_lock(m.get()); rc != 0) throw std::system_error(rc, std::generic_category(), "pthread_mutex_lock");
    pthread_mutex_unlock(m.get());
  }
};

struct BoostRecursive {
  InShared<boost::interprocess::interprocess_recursive_mutex> m;
  void op() {
    m->lock();
    m->unlock();
  }
};

struct Semaphore {
  InShared<sem_t> s;
  Semaphore() {
    if (sem_init(s.get(), /*pshared=*/1, 1) != 0) throw std::system_error(errno, std::generic_category(), "sem_init");
  }
  ~Semaphore() { sem_destroy(s.get()); }
  void op() {
    while (sem_wait(s.get()) != 0)
      if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "sem_wait");
    sem_post(s.get());
  }
};

struct AtomicFetchAdd {
  InShared<std::atomic<std::int64_t>> n{0};
  void op() { n->fetch_add(1); }
};

struct RawIncrement {
  shmcheck::RawValue<int> v;
  void op() { v.set_value(v.value() + 1); }
};

struct PerOpIncrement {
  shmcheck::Value<int> v;
  void op() { v.set_value(v.value() + 1); }
};

struct HeldIncrement {
  shmcheck::Value<int> v;
  void op() {
    shmcheck::Guard hold(v.get_lock());
    v.set_value(v.value() + 1);
  }
};

struct AtomicIncrement {
  shmcheck::Value<int> v;
  void op() { v.fetch_add(1); }
};

template <class Kind>
void Contended(benchmark::State& state, const char* counter) {
  const auto procs = state.range(0);
  try {
    Kind kind;  // before the fork: both processes use the same one
    auto share = [&kind] {
      for (std::int64_t i = 0; i < kOps; ++i) kind.op();
    };
    std::optional<Partner> partner;
    if (procs == 2) {
      partner.emplace([&share](std::uint64_t) { share(); });
      // One untimed round: a process just forked may wait for a CPU for milliseconds on a
      // busy machine, and caches and the lock's pages start cold.
      partner->start();
      share();
      partner->finish();
    }
    for (auto _ : state) {
      if (partner) partner->start();
      share();
      if (partner) partner->finish();
    }
    state.counters[counter] = benchmark::Counter(static_cast<double>(state.iterations() * kOps * procs), benchmark::Counter::kIsRate);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

// Pairs per process in one round of a paired benchmark: about 2 ms uncontended.
constexpr std::int64_t kRatioOps = 100000;

template <class Numerator, class Denominator>
void LockRatio(benchmark::State& state) {
  const auto procs = state.range(0);
  try {
    Numerator numerator;  // before the fork: both processes use the same ones
    Denominator denominator;
    auto round = [](auto& kind) {
      for (std::int64_t i = 0; i < kRatioOps; ++i) kind.op();
    };
    if (procs == 1) {
      shmcheck::bench::paired(
          state, shmcheck::bench::PairClock::thread_cpu,
          [&] {
            round(numerator);
            return kRatioOps;
          },
          [&] {
            round(denominator);
            return kRatioOps;
          });
      return;
    }
    // Which side the partner's next round is on: written by the parent before start().
    InShared<std::atomic<int>> side{0};
    Partner partner(
        [&](std::uint64_t) {
          if (side->load(std::memory_order_acquire) == 0) round(numerator);
          else round(denominator);
        },
        Partner::Placement::apart);
    auto contended = [&](int which, auto& kind) {
      side->store(which, std::memory_order_release);
      partner.start();
      round(kind);
      partner.finish();
      return 2 * kRatioOps;
    };
    // One untimed round of each: a process just forked may wait for a CPU, pages start cold.
    contended(0, numerator);
    contended(1, denominator);
    shmcheck::bench::paired(
        state, shmcheck::bench::PairClock::real,
        [&] { return contended(0, numerator); },
        [&] { return contended(1, denominator); }, partner.round_trip_probe());  // where the two CPUs are around each pair
    state.counters["cpus_apart"] = partner.apart();  // the JSON says where it was measured
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

template <class Numerator, class Denominator>
void add_ratio(const char* name) {
  benchmark::RegisterBenchmark(name, LockRatio<Numerator, Denominator>)->ArgName("procs")->Arg(1);
  benchmark::RegisterBenchmark(name, LockRatio<Numerator, Denominator>)->ArgName("procs")->Arg(2)->UseRealTime();
}

template <class Kind>
void add(const char* name, const char* counter) {
  benchmark::RegisterBenchmark(name, Contended<Kind>, counter)->ArgName("procs")->Arg(1);
  benchmark::RegisterBenchmark(name, Contended<Kind>, counter)->ArgName("procs")->Arg(2)->UseRealTime();
}

const int registered = [] {
  add_ratio<RefLock, PthreadMutex<true, true>>("Ratio/lock-ref-vs-pthread-robust-recursive");
  add_ratio<RefLock, PthreadMutex<false, false>>("Ratio/lock-ref-vs-pthread");
  add<RefLock>("Lock/ref", "pairs_per_second");
  add<PthreadMutex<false, false>>("Lock/pthread", "pairs_per_second");
  add<PthreadMutex<true, false>>("Lock/pthread-robust", "pairs_per_second");
  add<PthreadMutex<true, true>>("Lock/pthread-robust-recursive", "pairs_per_second");
  add<BoostRecursive>("Lock/boost-recursive", "pairs_per_second");
  add<Semaphore>("Lock/semaphore", "pairs_per_second");
  add<AtomicFetchAdd>("Lock/atomic-fetch-add", "pairs_per_second");
  add<RawIncrement>("Increment/raw", "increments_per_second");
  add<PerOpIncrement>("Increment/per-op", "increments_per_second");
  add<HeldIncrement>("Increment/held", "increments_per_second");
  add<AtomicIncrement>("Increment/atomic", "increments_per_second");
  return 0;
}();

}  // namespace
