#include <shmcheck/harness/replay.hpp>

namespace shmcheck::harness {
namespace {

std::string& program() {
  static std::string p = "shmcheck";
  return p;
}

}  // namespace

std::string shell_word(const std::string& s) {
  if (!s.empty() && s.find_first_of(" '\"$\\`\t\n;&|<>()*?[]#~{}!") == std::string::npos) return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

void set_replay_program(std::string p) { program() = std::move(p); }

std::string replay_command(const std::string& arguments) { return shell_word(program()) + " " + arguments; }

}  // namespace shmcheck::harness
