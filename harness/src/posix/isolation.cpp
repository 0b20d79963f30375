#include "isolation.hpp"

#include <shmcheck/harness/confinement.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <climits>
#include <ctime>
#include <string>
#include <vector>

namespace shmcheck::harness::detail {

namespace {

// Async-signal-safe: a decimal number into `out` (no allocation).
char* put_number(char* out, unsigned long v) {
  char digits[24];
  int n = 0;
  do digits[n++] = static_cast<char>('0' + v % 10); while ((v /= 10) != 0);
  while (n > 0) *out++ = digits[--n];
  return out;
}

bool write_file(const char* path, const char* text, std::size_t len) {
  const int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = write(fd, text, len) == static_cast<ssize_t>(len);
  const int saved = errno;
  close(fd);
  errno = saved;
  return ok;
}

// "<id> <id> 1": the user keeps its own id inside, so what it creates is owned as outside.
bool map_id(const char* path, unsigned long id) {
  char line[64];
  char* p = put_number(line, id);
  *p++ = ' ';
  p = put_number(p, id);
  *p++ = ' ';
  *p++ = '1';
  return write_file(path, line, static_cast<std::size_t>(p - line));
}

std::vector<std::string> mount_candidate_paths() {
  std::vector<std::string> paths{"/"};
  char real[PATH_MAX];
  std::string path = realpath("/dev/shm", real) != nullptr ? real : "/dev/shm";
  while (path.size() > 1) {
    paths.push_back(path);
    path.erase(path.find_last_of('/'));
    if (path.empty()) break;
  }
  return paths;
}

Isolation probe() {
  Isolation iso;
  const char* forced = std::getenv("SHMCHECK_ISOLATION");
  const std::string want = forced ? forced : "";
  if (want == "none") {
    iso.why_not = "SHMCHECK_ISOLATION=none";
    return iso;
  }
  iso.user_namespace = geteuid() != 0;
  iso.namespaces = true;
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    iso.namespaces = false;
    iso.why_not = std::string("pipe: ") + std::strerror(errno);
    return iso;
  }
  const ChildSetup setup{geteuid(), getegid(), iso.user_namespace, true, -1};
  const pid_t pid = start_process(clone_flags(iso));
  if (pid == 0) {
    close(report[0]);
    const char* what = "";
    if (setup_child(setup, &what)) _exit(0);
    const int err = errno;
    (void)!write(report[1], what, std::strlen(what));
    (void)!write(report[1], ": ", 2);
    const char* msg = strerror(err);  // the child exits at once: no other thread to race
    (void)!write(report[1], msg, std::strlen(msg));
    _exit(1);
  }
  close(report[1]);
  if (pid < 0) {
    iso.namespaces = false;
    iso.why_not = std::string("clone: ") + std::strerror(errno);
    close(report[0]);
  } else {
    char buf[256];
    const ssize_t n = read(report[0], buf, sizeof buf);
    close(report[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      iso.namespaces = false;
      iso.why_not = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "the probe died";
    }
  }
  if (!iso.namespaces && want == "namespaces") {
    std::fprintf(stderr, "shmcheck: SHMCHECK_ISOLATION=namespaces, but namespaces are not available: %s\n", iso.why_not.c_str());
    std::exit(3);
  }
  return iso;
}

}  // namespace

std::string Isolation::describe() const {
  if (!namespaces) return "none (" + why_not + "): leftovers attributed by name prefix and by what the driver's processes held";
  return std::string("namespaces: PID, mount (a private /dev/shm), IPC") + (user_namespace ? ", inside a user namespace" : "");
}

const Isolation& isolation() {
  // SHMCHECK_ISOLATION=none is read each time (a test may switch to the fallback); the probe
  // runs once.
  static const Isolation none = [] {
    Isolation n;
    n.why_not = "SHMCHECK_ISOLATION=none";
    return n;
  }();
  const char* forced = std::getenv("SHMCHECK_ISOLATION");
  if (forced && std::string(forced) == "none") return none;
  static const Isolation iso = probe();
  return iso;
}

int clone_flags(const Isolation& iso) {
  if (!iso.namespaces) return 0;
  return CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | (iso.user_namespace ? CLONE_NEWUSER : 0);
}

pid_t start_process(int flags) {
  if (flags == 0) return fork();
  // fork() with namespaces: the raw system call, as glibc's clone() wants a new stack. The
  // child only makes system calls until it execs, so glibc's fork handlers are not missed.
  return static_cast<pid_t>(syscall(SYS_clone, static_cast<unsigned long>(flags) | SIGCHLD, nullptr, nullptr, nullptr, nullptr));
}

bool setup_child(const ChildSetup& s, const char** what) {
  if (s.user_namespace) {
    // Without setgroups denied an unprivileged process may not write its gid_map.
    *what = "user namespace: /proc/self/setgroups";
    if (!write_file("/proc/self/setgroups", "deny", 4)) return false;
    *what = "user namespace: /proc/self/gid_map";
    if (!map_id("/proc/self/gid_map", s.gid)) return false;
    *what = "user namespace: /proc/self/uid_map";
    if (!map_id("/proc/self/uid_map", s.uid)) return false;
  }
  if (s.private_dev_shm) {
    // Private first, so that the tmpfs below is not propagated back to the host's mounts.
    // EINVAL: not a mount point; the next candidate is the nearest one that may hold /dev/shm.
    *what = "mount --make-rprivate of the mount holding /dev/shm (none of /, /dev/shm, its parents is a mount point)";
    bool made_private = false;
    for (const char* const* m = s.mount_candidates; *m != nullptr && !made_private; ++m) {
      if (mount(nullptr, *m, nullptr, MS_REC | MS_PRIVATE, nullptr) == 0) made_private = true;
      else if (errno != EINVAL) {
        *what = "mount --make-rprivate";
        return false;
      }
    }
    if (!made_private) {
      errno = EINVAL;
      return false;
    }
    *what = "mount tmpfs /dev/shm";
    if (mount("shmcheck", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, s.dev_shm_options) != 0) return false;
    if (s.tmp_options != nullptr) {
      *what = "mkdir of the private temporary directory in the private /dev/shm";
      if (mkdir(kPrivateTmpDir, 01777) != 0) return false;
      *what = "mount tmpfs on the private temporary directory";
      if (mount("shmcheck", kPrivateTmpDir, "tmpfs", MS_NOSUID | MS_NODEV, s.tmp_options) != 0) return false;
    }
  }
  // A SIGKILLed shmcheck takes its drivers with it; as pid 1 of its namespace, a driver's
  // death takes everything it started.
  *what = "prctl(PR_SET_PDEATHSIG)";
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return false;
  if (has_ended(s.parent)) {
    *what = "the parent ended before the driver started";
    errno = ESRCH;
    return false;
  }
  return true;
}

const char* const* private_mount_candidates() {
  static const std::vector<std::string> paths = mount_candidate_paths();
  static const std::vector<const char*> pointers = [] {
    std::vector<const char*> p;
    for (const auto& path : paths) p.push_back(path.c_str());
    p.push_back(nullptr);
    return p;
  }();
  return pointers.data();
}

int parent_pidfd() {
#ifdef SYS_pidfd_open
  return static_cast<int>(syscall(SYS_pidfd_open, getpid(), 0));
#else
  return -1;
#endif
}

bool has_ended(int pidfd) {
  if (pidfd < 0) return false;
  pollfd p{pidfd, POLLIN, 0};
  return poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
}

void run_driver_under_init(char* const* argv, char* const* envp, int status_fd, const char* cannot_execute) {
  const pid_t driver = fork();
  if (driver == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    execvpe(argv[0], argv, envp);
    const char* why = strerror(errno);
    for (const char* part : {cannot_execute, why, "\n"}) (void)!write(2, part, std::strlen(part));
    _exit(127);
  }
  // Its pipes are the driver's alone: when the driver dies, shmcheck reads end-of-file.
  const int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  for (int fd = 0; fd <= 2; ++fd) dup2(null, fd);
  int status = 127 << 8;  // fork failed: as if it could not be executed
  if (driver > 0)
    for (;;) {
      int st = 0;
      const pid_t done = waitpid(-1, &st, 0);
      if (done == driver) {
        status = st;
        break;
      }
      if (done < 0 && errno != EINTR) break;
    }
  (void)!write(status_fd, &status, sizeof status);
  timespec until{};
  clock_gettime(CLOCK_MONOTONIC, &until);
  until.tv_sec += 2;
  for (;;) {
    const pid_t done = waitpid(-1, nullptr, WNOHANG);
    if (done < 0 && errno == ECHILD) break;
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec > until.tv_sec || (now.tv_sec == until.tv_sec && now.tv_nsec >= until.tv_nsec)) break;
    if (done <= 0) {
      const timespec tick{0, 10 * 1000 * 1000};
      nanosleep(&tick, nullptr);
    }
  }
  _exit(0);
}

namespace {
int open_in_root_of(pid_t pid, const char* dir) {
  if (pid <= 0) return -1;
  const std::string path = "/proc/" + std::to_string(pid) + "/root" + dir;
  return open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}
}  // namespace

int open_private_dev_shm(pid_t pid) { return open_in_root_of(pid, "/dev/shm"); }
int open_private_tmp(pid_t pid) { return open_in_root_of(pid, kPrivateTmpDir); }

}  // namespace shmcheck::harness::detail
