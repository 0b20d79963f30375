#pragma once
// A process the drivers fork (a stress worker, a child running requests, an exec'ed reader)
// dies with the process that forked it: a SIGKILLed shmcheck, or driver, leaves none running.
// Call it first thing in the child with `parent`, the forking process's getpid() taken
// before fork(): asked in the child, getppid() of a parent already gone names the reaper,
// and the child would live on. It is async-signal-safe.
#include <sys/types.h>

namespace shmcheck::drivers {

void die_with_parent(pid_t parent) noexcept;

}  // namespace shmcheck::drivers
