#include "commands.hpp"

#include <shmcheck/harness/replay.hpp>

#include <fmt/format.h>

#include <vector>

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

std::string unknown_subcommand(const CLI::App& app, int argc, char** argv) {
  const CLI::App* at = &app;
  std::string path = "shmcheck";
  // Only options without values come before a subcommand here (--help, --version), so the
  // first word that is not an option is the subcommand's name.
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word.starts_with("-")) continue;
    const auto subs = at->get_subcommands([](const CLI::App*) { return true; });
    if (subs.empty()) return "";
    std::vector<std::string> names;
    const CLI::App* next = nullptr;
    for (const CLI::App* sub : subs) {
      names.push_back(sub->get_name());
      if (sub->get_name() == word) next = sub;
    }
    if (!next) return fmt::format("unknown subcommand '{}' of {} (known: {})", word, path, fmt::join(names, ", "));
    path += " " + word;
    at = next;
  }
  return "";
}

}  // namespace shmcheck::cli
