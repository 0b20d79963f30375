#pragma once
// The probe's POSIX half: workers are forked children sharing a MAP_SHARED block, the held
// lock is a process-shared pthread mutex, and the run-time facts are tried for real (memfd,
// shm_open, a robust mutex whose owner dies, a process-shared semaphore). A fact that cannot
// be tried is reported false with the reason, never guessed.
#include "scenarios.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

namespace probe {

static_assert(sizeof(pthread_mutex_t) <= sizeof(Shared::lock_storage));

inline std::string errno_text(const char* what, int err) { return std::string(what) + ": " + std::strerror(err); }

inline void* shared_anonymous(std::size_t size) {
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

inline Shared* the_block = nullptr;

inline Shared* shared_block() { return the_block; }

inline pthread_mutex_t* mutex_of(Shared* s) { return reinterpret_cast<pthread_mutex_t*>(s->lock_storage); }
inline void lock_acquire(Shared* s) { pthread_mutex_lock(mutex_of(s)); }
inline void lock_release(Shared* s) { pthread_mutex_unlock(mutex_of(s)); }
inline void platform_check_worker(Shared*, int) {}

inline std::string platform_init() {
  void* p = shared_anonymous(sizeof(Shared));
  if (!p) return errno_text("mmap MAP_SHARED|MAP_ANONYMOUS", errno);
  the_block = new (p) Shared{};
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  const int rc = pthread_mutex_init(mutex_of(the_block), &a);
  pthread_mutexattr_destroy(&a);
  return rc ? errno_text("pthread_mutex_init (process-shared)", rc) : "";
}

inline std::string run_workers(Role role, int n) {
  pid_t pids[kMaxWorkers];
  int started = 0;
  std::string error;
  for (; started < n; ++started) {
    const pid_t pid = fork();
    if (pid == 0) {
      worker(role, started, the_block);
      _exit(0);
    }
    if (pid < 0) {
      error = errno_text("fork", errno);
      break;
    }
    pids[started] = pid;
  }
  if (!error.empty()) the_block->workers = started;  // release the barrier for those that run
  for (int i = 0; i < started; ++i) {
    int status = 0;
    if (waitpid(pids[i], &status, 0) < 0) error = errno_text("waitpid", errno);
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
      error = "worker " + std::to_string(i) + (WIFSIGNALED(status) ? " killed by signal " + std::to_string(WTERMSIG(status))
                                                                    : " exited " + std::to_string(WEXITSTATUS(status)));
  }
  return error;
}

// A fact: true or false, and why it is false.
struct Fact {
  bool value = false;
  std::string why;
};

inline Fact try_memfd() {
  const int fd = memfd_create("shmcheck-probe", MFD_CLOEXEC);
  if (fd < 0) return {false, errno_text("memfd_create", errno)};
  Fact f{true, ""};
  if (ftruncate(fd, 4096) != 0) f = {false, errno_text("ftruncate on a memfd", errno)};
  else if (void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0); p == MAP_FAILED)
    f = {false, errno_text("mmap of a memfd", errno)};
  else munmap(p, 4096);
  close(fd);
  return f;
}

inline Fact try_shm_open() {
  const std::string name = "/shmcheck-probe-" + std::to_string(getpid());
  const int fd = shm_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600);
  if (fd < 0) return {false, errno_text("shm_open", errno)};
  shm_unlink(name.c_str());  // at once: a probe killed later leaves nothing in /dev/shm
  Fact f{true, ""};
  if (ftruncate(fd, 4096) != 0) f = {false, errno_text("ftruncate on shm_open's fd", errno)};
  close(fd);
  return f;
}

inline timespec deadline_in(int seconds) {
  timespec t{};
  clock_gettime(CLOCK_REALTIME, &t);
  t.tv_sec += seconds;
  return t;
}

// created: a robust process-shared mutex could be made; reported: after its owner died
// holding it, the next locker got EOWNERDEAD (what a Value's lock needs to survive a crash).
inline void try_robust_mutex(Json& j, Json& why) {
  auto* m = static_cast<pthread_mutex_t*>(shared_anonymous(sizeof(pthread_mutex_t)));
  if (!m) {
    j.key("robust_mutex_created").boolean(false).key("robust_mutex").boolean(false);
    why.key("robust_mutex").str(errno_text("mmap", errno));
    return;
  }
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  int rc = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
  if (rc == 0) rc = pthread_mutex_init(m, &a);
  pthread_mutexattr_destroy(&a);
  j.key("robust_mutex_created").boolean(rc == 0);
  if (rc != 0) {
    j.key("robust_mutex").boolean(false);
    why.key("robust_mutex").str(errno_text("pthread_mutex_init (robust, process-shared)", rc));
    munmap(m, sizeof *m);
    return;
  }
  const pid_t pid = fork();
  if (pid == 0) {
    pthread_mutex_lock(m);
    _exit(0);  // dies holding it
  }
  int status = 0;
  waitpid(pid, &status, 0);
  const timespec deadline = deadline_in(2);
  rc = pthread_mutex_timedlock(m, &deadline);
  j.key("robust_mutex").boolean(rc == EOWNERDEAD);
  if (rc == EOWNERDEAD) {
    pthread_mutex_consistent(m);
    pthread_mutex_unlock(m);
  } else {
    why.key("robust_mutex").str(rc == 0 ? "locked after its owner died without EOWNERDEAD"
                                        : errno_text("locking after the owner died", rc) + " (no EOWNERDEAD)");
    if (rc == 0) pthread_mutex_unlock(m);
  }
  munmap(m, sizeof *m);
}

inline Fact try_semaphore() {
  auto* sem = static_cast<sem_t*>(shared_anonymous(sizeof(sem_t)));
  if (!sem) return {false, errno_text("mmap", errno)};
  if (sem_init(sem, 1, 0) != 0) {
    const int err = errno;
    munmap(sem, sizeof *sem);
    return {false, errno_text("sem_init (pshared)", err)};
  }
  const pid_t pid = fork();
  if (pid == 0) _exit(sem_post(sem) == 0 ? 0 : 1);
  int status = 0;
  waitpid(pid, &status, 0);
  const timespec deadline = deadline_in(2);
  Fact f{sem_timedwait(sem, &deadline) == 0, ""};
  if (!f.value) f.why = errno_text("sem_timedwait after the child's sem_post", errno);
  sem_destroy(sem);
  munmap(sem, sizeof *sem);
  return f;
}

inline void platform_facts(Json& j, Json& why) {
  j.key("page_size").integer(sysconf(_SC_PAGESIZE));
  const struct {
    const char* name;
    Fact (*attempt)();
  } facts[] = {{"memfd", try_memfd}, {"shm_open", try_shm_open}, {"process_shared_semaphore", try_semaphore}};
  for (const auto& f : facts) {
    const Fact r = f.attempt();
    j.key(f.name).boolean(r.value);
    if (!r.value) why.key(f.name).str(r.why);
  }
  try_robust_mutex(j, why);
}

// POSIX workers are forks: nothing to do when the probe starts.
inline bool platform_child_main(int, char**, int&) { return false; }

}  // namespace probe
