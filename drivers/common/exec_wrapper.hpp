#pragma once
// SHMCHECK_EXEC_WRAPPER: how a driver runs a program of its own kind again (protocol/PROTOCOL.md,
// "Foreign ABIs"). A driver built for another ABI runs under an emulator (qemu-user, wine) that
// the machine does not start by itself (binfmt_misc is rarely set up), so when it execs itself
// the exec must go through the same emulator. The harness puts the emulator's command line in
// this variable, shell-quoted ("qemu-arm -L '/roots/armhf'"); it is empty on the native ABI.
#include <string>
#include <vector>

namespace shmcheck::drivers {

// The words of SHMCHECK_EXEC_WRAPPER (none when it is unset or blank). Throws
// std::invalid_argument for an unterminated quote.
std::vector<std::string> exec_wrapper();

// Splits `text` as sh splits a simple command line: blanks separate words, single quotes keep
// everything, double quotes keep everything but \" \\ \$ \`, a backslash outside quotes keeps
// the next character. No expansions.
std::vector<std::string> split_shell_words(const std::string& text);

}  // namespace shmcheck::drivers
