#pragma once
// Isolation of an exec'ed driver by the kernel (Linux namespaces), not by bookkeeping.
//
// Each driver starts as the first process (pid 1) of a PID namespace of its own, in a mount
// namespace whose /dev/shm is a fresh tmpfs and in an IPC namespace of its own (System V
// segments, POSIX message queues). So:
// - the census sees exactly what the implementation made, whatever other programs do with
//   the machine's /dev/shm meanwhile;
// - when the driver dies the kernel kills every process of its PID namespace, setsid() or
//   not, and its /dev/shm and SysV segments vanish with the last of them;
// - a SIGKILLed shmcheck takes the driver with it (PR_SET_PDEATHSIG), and so everything.
// The harness keeps the driver's /dev/shm open (a directory descriptor pins the tmpfs), so it
// can still count and name what was left after the driver died, before the memory goes.
//
// As root the namespaces need nothing more; other users get them inside a user namespace of
// their own where the kernel allows unprivileged ones (most distributions do). Where neither
// works (a container that forbids unshare, a kernel without them) drivers run in the host's
// namespaces and leftovers are attributed by their name prefix and by what the driver's
// processes held: the results say which (`isolation`). SHMCHECK_ISOLATION=none forces the
// latter, =namespaces makes its absence an error.
#include <sys/types.h>

#include <string>

namespace shmcheck::harness::detail {

struct Isolation {
  bool namespaces = false;
  bool user_namespace = false;  // not root: mount and IPC namespaces inside a user namespace
  std::string why_not;          // when !namespaces: what failed
  std::string describe() const;
};

// Probed once per process (a throwaway child tries it); honours SHMCHECK_ISOLATION.
const Isolation& isolation();

// The clone flags a driver starts with (0 when not isolated).
int clone_flags(const Isolation& iso);

// fork(), or clone() into new namespaces with `flags`: 0 in the child, its pid (as this
// process sees it) in the parent, -1 on error (errno set).
pid_t start_process(int flags);

// The mounts setup_child tries to make private (recursively) before it mounts the private
// /dev/shm, in order, null-terminated: "/", then /dev/shm's real path and its parents, nearest
// first. The first that is a mount point is used. "/" is not one in a chroot of a plain
// directory; there the mount holding /dev/shm (often a bind-mounted /dev) is, and making it
// private is what matters: the tmpfs must not propagate to the host's mount namespace.
// Computed once, in the parent (it allocates).
const char* const* private_mount_candidates();

// In the child, after start_process and before exec: only async-signal-safe calls. Maps the
// user (user namespace), mounts the private /dev/shm (and /tmp when asked), asks for SIGKILL
// when the parent dies.
// Returns false (errno set, `what` the step) when a step failed.
struct ChildSetup {
  uid_t uid;
  gid_t gid;
  bool user_namespace;
  bool private_dev_shm;
  // The parent (shmcheck) as a pidfd, or -1: see parent_pidfd().
  int parent;
  // Where the private /dev/shm needs private propagation: private_mount_candidates().
  const char* const* mount_candidates = private_mount_candidates();
  // The tmpfs options of the private /dev/shm ("mode=1777", with a size when confined), and
  // those of a private /tmp (null: the machine's /tmp). Built before the fork.
  const char* dev_shm_options = "mode=1777";
  const char* tmp_options = nullptr;
};
bool setup_child(const ChildSetup& s, const char** what);

// The calling process as a pidfd (close-on-exec), for the child to inherit, or -1 where the
// kernel has none (before 5.3). PR_SET_PDEATHSIG only covers a parent that dies after the
// child asked for it: one SIGKILLed between clone and that prctl would orphan the driver.
// So the child asks, then looks whether the parent is still there; getppid() cannot tell,
// as the first process of a PID namespace sees its parent as 0.
int parent_pidfd();

// Whether the process behind `pidfd` has ended (false for -1: cannot tell). Async-signal-safe.
bool has_ended(int pidfd);

// In the child, after setup_child, with the driver's stdin/stdout/stderr in place: stays the
// namespace's first process (pid 1, which ignores the signals it sends itself and inherits
// every orphan) and runs the driver as its child, with ordinary signal semantics. It reaps
// whatever ends; when the driver ends it writes the driver's wait status to `status_fd`,
// gives what is still running up to 2 s to finish (a resource tracker unlinking what its
// users leaked), then exits, and the kernel kills the rest. Only system calls.
[[noreturn]] void run_driver_under_init(char* const* argv, char* const* envp, int status_fd, const char* cannot_execute);

// The driver's /dev/shm, as a descriptor that keeps it alive (-1 when not isolated or gone).
int open_private_dev_shm(pid_t pid);
// The same for its private /tmp.
int open_private_tmp(pid_t pid);

}  // namespace shmcheck::harness::detail
