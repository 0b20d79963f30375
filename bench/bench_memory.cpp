// Bulk copies and moving data between processes (issue 8, items 3 and 4). Bytes per second
// (SetBytesProcessed) of the payload, from 1 or 4 KiB to 64 MiB.
//
// Copy: a slice read (`a[:]`, a new vector), a slice read into the caller's buffer, and a
// slice write (`a[:] = v`) of a whole reference Array<T> ('d' and 'B'), against what the
// same bytes cost without the API:
//   Memcpy/from-shared, Memcpy/to-shared  memcpy between the Array's memory and a private
//                                         buffer that is already faulted in: the limit
//   Memcpy/into-new-vector                a new std::vector constructed from the Array's
//                                         memory: what any by-value read pays (allocation,
//                                         first-touch page faults) before copying a byte
//
// Transfer/VIA: a payload of doubles moves from this process to a partner process that ends
// with a copy of its own, in a fresh buffer each round (a by-value receive: a[:] returns a
// new list, recv() a new bytes object):
//   shared-array  a[:] = payload here, a[:] there (one lock each), a futex says "sent"
//   pipe          write() here, read() there (the default 64 KiB pipe buffer, as
//                 multiprocessing's Pipe has)
//   pipe-pickle   the same with a serialization step on both sides, as multiprocessing's
//                 Connection.send/recv pickle: each double becomes pickle's BINFLOAT
//                 (opcode 'G', 8 bytes big-endian) and is decoded back
// The time is from the first byte sent to the last byte received (UseManualTime, one clock
// for both processes); the partner then checks every byte against what this round sent
// (each round stamps its number into the payload), outside the timed interval, and a
// mismatch is an error (SkipWithError). A first, untimed round touches the Array's pages in
// both processes. From 1 MiB up these are dominated by the first-touch page faults of the
// fresh buffers (about 2 us a page on a VM), which both sides pay: they measure copies in
// and out, not what sharing saves; Ratio/array-vs-pipe does.
//
// Ratio/array-vs-pipe/bytes:N (bench/paired.hpp, real time, each side's unit a payload byte):
// what a user who moves data between two processes does, both ways interleaved round by
// round. A producer (this process) computes x[i] = f(round, i) for N bytes of 'Q'; a
// consumer (the Partner) sums them and checks the sum and both ends against the round's
// (inside the timed part, on both sides; a mismatch is an error).
//   numerator    through a reference Array made once: the producer computes into it in
//                place, then starts the consumer's round (its "written" signal); the
//                consumer sums it in place. Each holds the Array's lock meanwhile, as a
//                Python user does with `with a.get_lock(): v = np.frombuffer(a.get_obj())`:
//                the API's way to the memory without a copy (a[:] would copy it out).
//   denominator  through a pipe (64 KiB buffer): the producer computes into a private
//                buffer made once, starts the consumer's round and write()s it; the
//                consumer read()s the message and sums it:
//                  Ratio/array-vs-pipe       into a new buffer per message, as
//                                            Connection.recv_bytes() and recv() do (what
//                                            users call; at 64 MiB malloc maps it anew, so
//                                            its pages fault in as read() fills them)
//                  Ratio/array-vs-pipe-into  into one buffer made once, as recv_bytes_into():
//                                            the pipe's best case
// A round ends when the consumer says it is done (Partner::finish), on both sides; the two
// run on two CPUs (Partner::Placement::apart says why).
// The Array and the private buffers are reused across rounds, and an untimed first round of
// each side touches their pages in the process that uses them, so the shared side never pays
// a page fault: a user's steady state. What is left is what the pipe costs (two copies
// through 64 KiB at a time, a wake-up per 64 KiB, and with recv_bytes a new buffer) against
// computing and reading the data once. Measured on a 2-core VM (issue 17): at 64 MiB,
// computing and summing cost about 1.3 memcpys, the pipe about 6 with a reused inbox.
#include "paired.hpp"
#include "support.hpp"

#include <shmcheck/array.hpp>
#include <shmcheck/lock.hpp>

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace {

using shmcheck::Slice;
using shmcheck::bench::InShared;
using shmcheck::bench::Partner;

constexpr std::int64_t KiB = 1024, MiB = 1024 * KiB;

template <class T>
shmcheck::Array<T> filled_array(std::size_t n) {
  shmcheck::Array<T> a(static_cast<std::int64_t>(n));
  // Touch every page now: the first iteration must not pay the shared mapping's page faults.
  std::memset(static_cast<void*>(a.get_obj().data()), 0x5a, n * sizeof(T));
  return a;
}

template <class T>
void SliceRead(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0)) / sizeof(T);
  auto a = filled_array<T>(n);
  for (auto _ : state) {
    std::vector<T> v = a.get(Slice::all());
    benchmark::DoNotOptimize(v.data());
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

// a.get(a[:], out): the same read into a buffer the caller already has (faulted in), which is
// what a loop that reads the array again and again does; the comparison with memcpy.
template <class T>
void SliceReadInto(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0)) / sizeof(T);
  auto a = filled_array<T>(n);
  std::vector<T> out(n, T(1));
  for (auto _ : state) {
    a.get(Slice::all(), std::span<T>(out));
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

template <class T>
void SliceWrite(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0)) / sizeof(T);
  auto a = filled_array<T>(n);
  const std::vector<T> src(n, T(1));
  for (auto _ : state) {
    a.set(Slice::all(), src);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

void MemcpyFromShared(benchmark::State& state) {
  const std::size_t bytes = static_cast<std::size_t>(state.range(0));
  auto a = filled_array<unsigned char>(bytes);
  std::vector<unsigned char> dst(bytes, 1);  // faulted in by the fill
  for (auto _ : state) {
    std::memcpy(dst.data(), a.get_obj().data(), bytes);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

void MemcpyToShared(benchmark::State& state) {
  const std::size_t bytes = static_cast<std::size_t>(state.range(0));
  auto a = filled_array<unsigned char>(bytes);
  const std::vector<unsigned char> src(bytes, 1);
  for (auto _ : state) {
    std::memcpy(a.get_obj().data(), src.data(), bytes);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

void MemcpyIntoNewVector(benchmark::State& state) {
  const std::size_t bytes = static_cast<std::size_t>(state.range(0));
  auto a = filled_array<unsigned char>(bytes);
  const unsigned char* p = a.get_obj().data();
  for (auto _ : state) {
    std::vector<unsigned char> v(p, p + bytes);
    benchmark::DoNotOptimize(v.data());
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

// Ratio/slice-read-into-vs-memcpy/T/bytes:N and Ratio/slice-write-vs-memcpy/T/bytes:N: the
// copies above against memcpy of the same bytes between the same two buffers, interleaved
// (bench/paired.hpp, this thread's CPU time): what the API costs over the bytes alone.
template <class T>
void SliceReadIntoVsMemcpy(benchmark::State& state) {
  const std::size_t bytes = static_cast<std::size_t>(state.range(0)), n = bytes / sizeof(T);
  auto a = filled_array<T>(n);
  std::vector<T> out(n, T(1));
  shmcheck::bench::paired(
      state, shmcheck::bench::PairClock::thread_cpu,
      [&] {
        a.get(Slice::all(), std::span<T>(out));
        benchmark::ClobberMemory();
        return bytes;
      },
      [&] {
        std::memcpy(out.data(), a.get_obj().data(), bytes);
        benchmark::ClobberMemory();
        return bytes;
      });
}

template <class T>
void SliceWriteVsMemcpy(benchmark::State& state) {
  const std::size_t bytes = static_cast<std::size_t>(state.range(0)), n = bytes / sizeof(T);
  auto a = filled_array<T>(n);
  const std::vector<T> src(n, T(1));
  shmcheck::bench::paired(
      state, shmcheck::bench::PairClock::thread_cpu,
      [&] {
        a.set(Slice::all(), src);
        benchmark::ClobberMemory();
        return bytes;
      },
      [&] {
        std::memcpy(a.get_obj().data(), src.data(), bytes);
        benchmark::ClobberMemory();
        return bytes;
      });
}

// ---- transfer ----

enum class Via { shared_array, pipe, pipe_pickle };

// Element 0 of every 4 KiB of the payload carries the round's stamp; the rest is fixed
// random data made before the fork, so both processes know what should arrive.
constexpr std::size_t kStampEvery = 4 * KiB / sizeof(double);
double stamp(std::uint64_t round) { return std::bit_cast<double>(round * 0x9e3779b97f4a7c15ull); }

struct Payload {
  std::vector<double> base, message;
  explicit Payload(std::size_t n) : base(n) {
    std::mt19937_64 bits(8);
    for (auto& d : base) d = std::bit_cast<double>(bits());  // any bit pattern, NaNs too: bytes are compared
    message = base;
  }
  void stamp_round(std::uint64_t round) {
    for (std::size_t i = 0; i < message.size(); i += kStampEvery) message[i] = stamp(round);
  }
  // Byte comparison: a double compared as a double would call a NaN changed.
  bool intact(const double* got, std::uint64_t round) const {
    const double s = stamp(round);
    for (std::size_t i = 0; i < base.size(); i += kStampEvery) {
      const std::size_t rest = std::min(kStampEvery, base.size() - i) - 1;
      if (std::memcmp(&got[i], &s, sizeof s) != 0 || std::memcmp(&got[i + 1], &base[i + 1], rest * sizeof(double)) != 0)
        return false;
    }
    return true;
  }
};

void write_all(int fd, const void* data, std::size_t bytes) {
  for (auto* p = static_cast<const char*>(data); bytes > 0;) {
    const ssize_t w = write(fd, p, bytes);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) throw std::system_error(errno, std::generic_category(), "write to the pipe");
    p += w;
    bytes -= static_cast<std::size_t>(w);
  }
}

void read_all(int fd, void* data, std::size_t bytes) {
  for (auto* p = static_cast<char*>(data); bytes > 0;) {
    const ssize_t r = read(fd, p, bytes);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) throw std::runtime_error("the pipe closed or failed before the whole message arrived");
    p += r;
    bytes -= static_cast<std::size_t>(r);
  }
}

// Pickle-like encoding of a list of floats: an 8-byte count, then per element opcode 'G'
// (BINFLOAT) and the value as 8 bytes big-endian, which is how pickle writes a float.
std::unique_ptr<char[]> encode(const std::vector<double>& v, std::size_t& size) {
  size = 8 + 9 * v.size();
  auto out = std::unique_ptr<char[]>(new char[size]);
  const std::uint64_t count = v.size();
  std::memcpy(out.get(), &count, 8);
  char* p = out.get() + 8;
  for (const double d : v) {
    const std::uint64_t be = __builtin_bswap64(std::bit_cast<std::uint64_t>(d));
    *p++ = 'G';
    std::memcpy(p, &be, 8);
    p += 8;
  }
  return out;
}

std::unique_ptr<double[]> decode(const char* p, std::size_t n) {
  auto out = std::unique_ptr<double[]>(new double[n]);
  for (std::size_t i = 0; i < n; ++i, p += 9) {
    if (*p != 'G') throw std::runtime_error("the pickle-like stream has a bad opcode");
    std::uint64_t be;
    std::memcpy(&be, p + 1, 8);
    out[i] = std::bit_cast<double>(__builtin_bswap64(be));
  }
  return out;
}

struct Pipe {
  int fd[2];
  Pipe() {
    if (pipe(fd) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  }
  ~Pipe() {
    close(fd[0]);
    close(fd[1]);
  }
};

struct Received {
  std::atomic<std::uint32_t> sent{0};  // shared-array: the round whose payload is in the Array
  std::atomic<std::int64_t> at_ns{0};  // when the last byte was in the partner's buffer
  std::atomic<int> intact{0};
};

void Transfer(benchmark::State& state, Via via) {
  const std::size_t bytes = static_cast<std::size_t>(state.range(0)), n = bytes / sizeof(double);
  try {
    Payload payload(n);
    InShared<Received> rx;
    std::optional<shmcheck::Array<double>> array;
    std::optional<Pipe> pipe;
    if (via == Via::shared_array) array.emplace(filled_array<double>(n));
    else pipe.emplace();

    const pid_t parent = getpid();
    Partner partner([&](std::uint64_t round) {
      if (via == Via::shared_array) {
        shmcheck::bench::wait_change(rx->sent, static_cast<std::uint32_t>(round - 1), [parent] {
          if (getppid() != parent) _exit(0);  // a killed benchmark leaves no waiter behind
        });
        const std::vector<double> got = array->get(Slice::all());
        rx->at_ns = shmcheck::bench::now_ns();
        rx->intact = payload.intact(got.data(), round);
      } else if (via == Via::pipe) {
        auto got = std::unique_ptr<double[]>(new double[n]);
        read_all(pipe->fd[0], got.get(), bytes);
        rx->at_ns = shmcheck::bench::now_ns();
        rx->intact = payload.intact(got.get(), round);
      } else {
        std::uint64_t count = 0;
        read_all(pipe->fd[0], &count, 8);
        if (count != n) throw std::runtime_error("the pickle-like stream has a wrong count");
        auto encoded = std::unique_ptr<char[]>(new char[9 * count]);
        read_all(pipe->fd[0], encoded.get(), 9 * count);
        auto got = decode(encoded.get(), count);
        rx->at_ns = shmcheck::bench::now_ns();
        rx->intact = payload.intact(got.get(), round);
      }
    });

    std::uint64_t round = 0;
    // One round: its time from the first byte sent to the last received, or nullopt when the
    // bytes that arrived differ from the bytes sent.
    auto one_round = [&]() -> std::optional<double> {
      payload.stamp_round(++round);
      partner.start();  // the partner now waits for the message
      const std::int64_t t0 = shmcheck::bench::now_ns();
      if (via == Via::shared_array) {
        array->set(Slice::all(), payload.message);
        rx->sent.store(static_cast<std::uint32_t>(round));
        shmcheck::bench::wake_all(rx->sent);
      } else if (via == Via::pipe) {
        write_all(pipe->fd[1], payload.message.data(), bytes);
      } else {
        std::size_t size = 0;
        const auto encoded = encode(payload.message, size);
        write_all(pipe->fd[1], encoded.get(), size);
      }
      partner.finish();
      if (!rx->intact) return std::nullopt;
      return static_cast<double>(rx->at_ns - t0) * 1e-9;
    };
    // Untimed: the partner's first touch of the Array's pages (a one-time cost the pipe has
    // no counterpart of) is not a measured round's.
    if (!one_round()) state.SkipWithError("the bytes that arrived differ from the bytes sent");
    for (auto _ : state) {
      const std::optional<double> seconds = one_round();
      if (!seconds) {
        state.SkipWithError("the bytes that arrived differ from the bytes sent");
        break;
      }
      state.SetIterationTime(*seconds);
    }
    state.SetBytesProcessed(state.iterations() * state.range(0));
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

// ---- a user's data moved between processes: Ratio/array-vs-pipe ----

using Word = std::uint64_t;  // typecode 'Q'

// The producer's computation, the same on both sides: x[i] = f(round, i). Cheap on purpose
// (one add per element, vectorized), so that the ratio is about moving the data, not about
// computing it.
Word value_of(std::uint64_t round, std::size_t i) { return (round << 32) + 3 * static_cast<Word>(i); }
void produce(Word* x, std::size_t n, std::uint64_t round) {
  for (std::size_t i = 0; i < n; ++i) x[i] = value_of(round, i);
}
// The consumer's use of it, the same on both sides: sum every element, and the check that
// a mismatch becomes an error: the sum and both ends are this round's (a stale, torn or
// partly delivered payload has another sum).
bool consume(const Word* x, std::size_t n, std::uint64_t round) {
  Word sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += x[i];
  const Word nn = n;
  return sum == nn * (round << 32) + 3 * (nn * (nn - 1) / 2) && x[0] == value_of(round, 0) &&
         x[n - 1] == value_of(round, n - 1);
}

struct Exchange {
  enum Side : std::uint32_t { array, pipe };
  std::atomic<std::uint32_t> side{array};  // which side this round is (set before Partner::start)
  std::atomic<int> intact{0};              // the consumer's verdict on this round
};

// fresh_inbox: the consumer receives each message into a new buffer, as multiprocessing's
// Connection.recv_bytes() and recv() do (a new bytes object per message: what users call);
// else into one buffer made once, as recv_bytes_into(), the pipe's best case.
void ArrayVsPipe(benchmark::State& state, bool fresh_inbox) {
  const std::size_t bytes = static_cast<std::size_t>(state.range(0)), n = bytes / sizeof(Word);
  try {
    // Made once and reused by every round, as a user's would be. Each process's first touch
    // of each page is the warm-up round's (below), not a measured one's.
    shmcheck::Array<Word> shared(static_cast<std::int64_t>(n));
    std::vector<Word> outbox(n), inbox(n);  // the pipe side's private buffers; inbox is the partner's
    Pipe pipe;
    InShared<Exchange> ex;

    // Partner::start() is the producer's signal on both sides: the consumer begins its round
    // (and says so) only when the data is in the Array, or the pipe is about to carry it.
    Partner consumer([&](std::uint64_t round) {
      bool ok;
      if (ex->side.load() == Exchange::array) {
        shmcheck::Guard hold(shared.get_lock());
        ok = consume(shared.get_obj().data(), n, round);
      } else if (fresh_inbox) {
        // Default-initialized: the allocation costs what malloc and the kernel make it cost
        // (at 64 MiB a new mapping whose pages fault in as read() fills them), nothing more.
        const std::unique_ptr<Word[]> message(new Word[n]);
        read_all(pipe.fd[0], message.get(), bytes);
        ok = consume(message.get(), n, round);
      } else {
        read_all(pipe.fd[0], inbox.data(), bytes);
        ok = consume(inbox.data(), n, round);
      }
      ex->intact.store(ok);
    }, Partner::Placement::apart);

    std::uint64_t round = 0;  // the Partner's round numbers: one per start()
    auto finish = [&] {
      consumer.finish();
      if (!ex->intact.load()) throw std::runtime_error("the consumer got other data than the producer made");
      return bytes;
    };
    auto through_array = [&] {
      {
        shmcheck::Guard hold(shared.get_lock());
        produce(shared.get_obj().data(), n, ++round);
      }
      ex->side.store(Exchange::array);
      consumer.start();  // "written"
      return finish();
    };
    auto through_pipe = [&] {
      produce(outbox.data(), n, ++round);
      ex->side.store(Exchange::pipe);
      consumer.start();
      write_all(pipe.fd[1], outbox.data(), bytes);
      return finish();
    };
    through_array();  // warm-up: every page of every buffer touched by the process that uses it
    through_pipe();
    shmcheck::bench::paired(state, shmcheck::bench::PairClock::real, through_array, through_pipe, consumer.round_trip_probe());
    state.counters["cpus_apart"] = consumer.apart();  // the JSON says where it was measured
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

const int registered = [] {
  const std::vector<std::int64_t> copy_sizes = {4 * KiB, 64 * KiB, 1 * MiB, 16 * MiB, 64 * MiB};
  auto copy = [&](const char* name, void (*fn)(benchmark::State&)) {
    // CPU time: one process, and a busy machine that deschedules it must not count (page
    // faults and munmap are system time, which CPU time includes).
    auto* b = benchmark::RegisterBenchmark(name, fn)->ArgName("bytes");
    for (auto s : copy_sizes) b->Arg(s);
  };
  copy("SliceRead/d", SliceRead<double>);
  copy("SliceReadInto/d", SliceReadInto<double>);
  copy("SliceReadInto/B", SliceReadInto<unsigned char>);
  copy("SliceWrite/d", SliceWrite<double>);
  copy("SliceRead/B", SliceRead<unsigned char>);
  copy("SliceWrite/B", SliceWrite<unsigned char>);
  copy("Memcpy/from-shared", MemcpyFromShared);
  copy("Memcpy/to-shared", MemcpyToShared);
  copy("Memcpy/into-new-vector", MemcpyIntoNewVector);
  auto at_64mib = [](const char* name, void (*fn)(benchmark::State&)) { benchmark::RegisterBenchmark(name, fn)->ArgName("bytes")->Arg(64 * MiB); };
  at_64mib("Ratio/slice-read-into-vs-memcpy/d", SliceReadIntoVsMemcpy<double>);
  at_64mib("Ratio/slice-read-into-vs-memcpy/B", SliceReadIntoVsMemcpy<unsigned char>);
  at_64mib("Ratio/slice-write-vs-memcpy/d", SliceWriteVsMemcpy<double>);
  at_64mib("Ratio/slice-write-vs-memcpy/B", SliceWriteVsMemcpy<unsigned char>);
  for (auto [name, fresh] : {std::pair{"Ratio/array-vs-pipe", true}, std::pair{"Ratio/array-vs-pipe-into", false}}) {
    auto* b = benchmark::RegisterBenchmark(name, ArrayVsPipe, fresh)->ArgName("bytes");
    for (auto s : {64 * KiB, 1 * MiB, 16 * MiB, 64 * MiB}) b->Arg(s);
  }
  for (auto [name, via] : {std::pair{"Transfer/shared-array", Via::shared_array}, std::pair{"Transfer/pipe", Via::pipe},
                           std::pair{"Transfer/pipe-pickle", Via::pipe_pickle}}) {
    auto* b = benchmark::RegisterBenchmark(name, Transfer, via)->ArgName("bytes")->UseManualTime();
    for (auto s : {1 * KiB, 64 * KiB, 1 * MiB, 16 * MiB, 64 * MiB}) b->Arg(s);
  }
  return 0;
}();

}  // namespace
