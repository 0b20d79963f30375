// The reference in use, built against an installed shmcheck (CMakeLists.txt here, or
// `c++ -std=c++20 main.cpp $(pkg-config --cflags --libs shmcheck-ref)`). In Python it reads
//     counts = Array('i', 2); seen = Value('d', 0.0)
// shared with a forked child. Parent and child each add 1 to counts[0] kIncrements times, at
// the same time (the child says when it starts, in seen), holding the array's lock around
// each read-modify-write, so no update is lost (without the Guard below, some are); the child
// also writes its pid to counts[1]. Exit 0 when the parent sees exactly that, 1 when anything
// differs.
#include <shmcheck/lock.hpp>
#include <shmcheck/object.hpp>
#include <shmcheck/version.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace {

constexpr int kIncrements = 100000;

void add_ones(shmcheck::Object& counts) {
  for (int i = 0; i < kIncrements; ++i) {
    shmcheck::Guard hold(counts.get_lock());  // counts[0] += 1 is a read, then a write
    counts.set(0, counts.get(0).as_int() + 1);
  }
}

}  // namespace

int main() {
  shmcheck::Object counts = shmcheck::make_array('i', 2);  // zero-filled, with a lock of its own
  shmcheck::Object seen = shmcheck::make_value('d', 0.0);
  std::cout << std::flush;  // nothing buffered for the child to write twice
  const pid_t child = fork();
  if (child < 0) {
    std::perror("fork");
    return 1;
  }
  if (child == 0) {
    seen.set_value(1.5);
    add_ones(counts);
    counts.set(1, static_cast<int>(getpid()));
    _exit(0);
  }
  while (seen.value().as_float() == 0.0) {
  }
  add_ones(counts);
  int status = 0;
  if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::cerr << "consumer: the child did not exit 0 (wait status " << status << ")\n";
    return 1;
  }

  const auto total = static_cast<long long>(counts.get(0).as_int());
  const auto pid = static_cast<long long>(counts.get(1).as_int());
  const double value = seen.value().as_float();
  const bool ok = total == 2 * kIncrements && pid == child && value == 1.5;
  std::cout << "shmcheck " << shmcheck::version << " (" << shmcheck::git_revision << "): counts[0] = " << total
            << " (expected " << 2 * kIncrements << "), counts[1] = " << pid << " (the child, " << child
            << "), seen = " << value << " (expected 1.5): " << (ok ? "ok" : "MISMATCH") << "\n";
  return ok ? 0 : 1;
}
