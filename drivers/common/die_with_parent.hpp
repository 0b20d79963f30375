#pragma once
// A process the drivers fork (a stress worker, a child running requests, an exec'ed reader)
// dies with the process that forked it: a SIGKILLed shmcheck, or driver, leaves none running.
// Call it first thing in the child; it is async-signal-safe.
namespace shmcheck::drivers {

void die_with_parent() noexcept;

}  // namespace shmcheck::drivers
