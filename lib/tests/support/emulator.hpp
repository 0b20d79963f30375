#pragma once
// Test support: what an emulator (qemu-user, in a cross build's ctest) changes for the tests.
// - qemu-user does not implement set_robust_list: the kernel never learns a process's robust
//   futex list, so the death of a lock's owner is never reported and a waiter waits for ever.
//   That is the emulator, not the reference: such tests are skipped with this reason.
// - Without binfmt_misc a foreign program cannot exec another foreign program: the exec'ed
//   test child needs the emulator in front (SHMCHECK_EXEC_WRAPPER, set by lib/tests'
//   CMakeLists.txt from CMAKE_CROSSCOMPILING_EMULATOR).
#include <optional>
#include <string>
#include <vector>

namespace shmcheck::test {

// Why a dead owner's robust mutex cannot be detected in this process, or nullopt if it can.
std::optional<std::string> owner_death_undetectable();

// argv to exec `program` with: SHMCHECK_EXEC_WRAPPER's words (split at spaces; empty or unset:
// none), then the program.
std::vector<std::string> exec_argv(const std::string& program);
// The same as one shell command line, every word single-quoted.
std::string exec_command_line(const std::string& program);

}  // namespace shmcheck::test
