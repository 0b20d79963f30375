#pragma once
// An emulator that refuses what an implementation is built on. qemu-user implements no
// set_robust_list; on most targets glibc makes robust mutexes regardless (only an owner's death
// goes unnoticed, which the stress suite tells apart), but on riscv64 glibc remembers the refusal
// and pthread_mutex_init answers ENOTSUP for every robust mutex, so an implementation whose
// locks are robust cannot make a single object. What fails there is the emulator: every case
// of that implementation is `unsupported`, with the reason, rather than a column of fails.
//
// Judged by the harness from the hello (robust_lock claimed, platform.robust_futex false) and
// one observation (the first object refused with os_error), never from the driver's word.
#include <shmcheck/harness/implementation.hpp>

#include <optional>
#include <string>

namespace shmcheck::harness {

// The requests `ops` with every deadline that only bounds a wait stretched by `factor`: a
// child's (`child`, `child_start`), a `wait_for`'s and a stress scenario's `timeout`, also
// inside batches and children. Emulated code runs several times slower; a deadline that a
// correct implementation meets natively would make it fail there. A lock's `acquire` timeout
// is the semantics under test and is left as it is.
nlohmann::json stretch_deadlines(const nlohmann::json& ops, double factor);

// "emulator: ..." when `impl` cannot make an object for the emulator's reason above; nullopt
// otherwise (also whenever its platform keeps a robust futex list: no request is made then).
// Broken when it stops speaking the protocol.
std::optional<std::string> emulator_refusal(Implementation& impl);

}  // namespace shmcheck::harness
