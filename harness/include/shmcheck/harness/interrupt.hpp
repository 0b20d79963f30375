#pragma once
// SIGINT, SIGTERM and SIGHUP stop a run cleanly: the case under way is recorded as `broken`
// "interrupted by SIGINT", nothing more is started, the summary and results.json are written,
// and the exit status is 128 + the signal (130, 143, 129). To get there quickly the handler
// SIGKILLs every process group registered here (the drivers, the stress workers): whatever
// waits on them returns at once. A second signal exits at once (results.json then still says
// which case was running).
#include <sys/types.h>

namespace shmcheck::harness {

// Installs the handlers; `also` (may be null) runs in the handler after the registered groups
// are killed, so it must be async-signal-safe.
void install_interrupt_handlers(void (*also)() = nullptr);
// The signal that interrupted the run, or 0.
int interrupted() noexcept;
// "interrupted by SIGTERM".
const char* interruption() noexcept;

// Process groups to kill on interruption (at most 256 at once; more are not registered).
void register_group(pid_t pgid) noexcept;
void unregister_group(pid_t pgid) noexcept;

}  // namespace shmcheck::harness
