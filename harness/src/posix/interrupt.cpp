#include <shmcheck/harness/interrupt.hpp>

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace shmcheck::harness {

namespace {

// Plain atomics and a fixed array: all a signal handler may touch.
std::atomic<int> caught{0};
constexpr int kGroups = 256;
std::atomic<pid_t> groups[kGroups];
void (*also_kill)() = nullptr;

void on_signal(int sig) {
  const int saved = errno;
  int expected = 0;
  if (!caught.compare_exchange_strong(expected, sig)) _exit(128 + sig);  // the second one
  const char* msg = "\nshmcheck: interrupted; stopping (again to quit at once)\n";
  (void)!write(STDERR_FILENO, msg, std::strlen(msg));
  for (auto& g : groups)
    if (const pid_t pgid = g.load(); pgid > 0) kill(-pgid, SIGKILL);
  if (also_kill) also_kill();
  errno = saved;
}

}  // namespace

void install_interrupt_handlers(void (*also)()) {
  also_kill = also;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking wait returns EINTR and looks at the flag
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
}

int interrupted() noexcept { return caught.load(); }

const char* interruption() noexcept {
  switch (caught.load()) {
    case SIGINT: return "interrupted by SIGINT";
    case SIGTERM: return "interrupted by SIGTERM";
    case SIGHUP: return "interrupted by SIGHUP";
    default: return "";
  }
}

void register_group(pid_t pgid) noexcept {
  for (auto& g : groups) {
    pid_t empty = 0;
    if (g.compare_exchange_strong(empty, pgid)) return;
  }
}

void unregister_group(pid_t pgid) noexcept {
  for (auto& g : groups) {
    pid_t mine = pgid;
    if (g.compare_exchange_strong(mine, 0)) return;
  }
}

}  // namespace shmcheck::harness
