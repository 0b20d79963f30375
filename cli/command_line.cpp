#include "commands.hpp"

#include <shmcheck/harness/replay.hpp>

namespace shmcheck::cli {
namespace {

std::string& stored() {
  static std::string line;
  return line;
}

}  // namespace

const std::string& command_line() { return stored(); }

void set_command_line(int argc, char** argv) {
  stored().clear();
  for (int i = 0; i < argc; ++i) stored() += (i ? " " : "") + harness::shell_word(argv[i]);
  // Replay commands start the program as it was started here.
  if (argc > 0) harness::set_replay_program(argv[0]);
}

}  // namespace shmcheck::cli
