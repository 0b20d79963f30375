#pragma once
// The command that replays a case: the program as it was started, then the subcommand and the
// arguments that select exactly that case. Every suite builds its replay commands here.
#include <string>

namespace shmcheck::harness {

// `s` quoted for a POSIX shell when it needs it.
std::string shell_word(const std::string& s);

// The program replay commands start with: main() sets argv[0] as it was given, so that the
// command works where the run was started ("shmcheck" until it is set).
void set_replay_program(std::string program);
// "<program> <arguments>".
std::string replay_command(const std::string& arguments);

}  // namespace shmcheck::harness
