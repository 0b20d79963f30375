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
// with a copy of its own, in a fresh buffer:
//   shared-array  a[:] = payload here, a[:] there (one lock each), a futex says "sent"
//   pipe          write() here, read() there (the default 64 KiB pipe buffer, as
//                 multiprocessing's Pipe has)
//   pipe-pickle   the same with a serialization step on both sides, as multiprocessing's
//                 Connection.send/recv pickle: each double becomes pickle's BINFLOAT
//                 (opcode 'G', 8 bytes big-endian) and is decoded back
// The time is from the first byte sent to the last byte received (UseManualTime, one clock
// for both processes); the partner then checks every byte against what this round sent
// (each round stamps its number into the payload), outside the timed interval, and a
// mismatch is an error (SkipWithError).
#include "support.hpp"

#include <shmcheck/array.hpp>

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
    for (auto _ : state) {
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
      if (!rx->intact) {
        state.SkipWithError("the bytes that arrived differ from the bytes sent");
        break;
      }
      state.SetIterationTime(static_cast<double>(rx->at_ns - t0) * 1e-9);
    }
    state.SetBytesProcessed(state.iterations() * state.range(0));
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
  for (auto [name, via] : {std::pair{"Transfer/shared-array", Via::shared_array}, std::pair{"Transfer/pipe", Via::pipe},
                           std::pair{"Transfer/pipe-pickle", Via::pipe_pickle}}) {
    auto* b = benchmark::RegisterBenchmark(name, Transfer, via)->ArgName("bytes")->UseManualTime();
    for (auto s : {1 * KiB, 64 * KiB, 1 * MiB, 16 * MiB, 64 * MiB}) b->Arg(s);
  }
  return 0;
}();

}  // namespace
