#pragma once
// The subcommands of the shmcheck command line. Each registers its options on the app and
// returns the exit status through the callback it installs.
#include <CLI/CLI.hpp>

#include <string>

namespace shmcheck::cli {

// Exit statuses, the same for every subcommand.
enum Exit : int {
  ok = 0,           // nothing failed or broke unexpectedly
  failed = 1,       // something failed unexpectedly
  usage = 2,        // bad usage or input (also an option value out of range, options.hpp, and an
                    // output path that is not a regular file, harness/output_file.hpp)
  broke = 3,        // something broke (and nothing failed)
  // 128 + N: stopped by signal N (harness/interrupt.hpp); the results so far are kept.
};

// The exit statuses in words, for every subcommand's --help.
inline constexpr const char* exit_status_help =
    "Exit status: 0 nothing failed or broke unexpectedly, 1 something failed unexpectedly, 2 bad usage or input "
    "(also an option value out of its range, or an output path that exists and is not a regular file), "
    "3 something broke (and nothing failed), 128 + N stopped by signal N (130 SIGINT, 143 SIGTERM; the results "
    "so far are kept, marked interrupted).";

// The command line shmcheck was started with, as one shell-quoted string (for the results);
// setting it also makes argv[0] the program of replay commands.
const std::string& command_line();
void set_command_line(int argc, char** argv);

// "unknown subcommand 'X' of shmcheck list (known: impls, typecodes)" when the command line
// names a subcommand that `app` (or the subcommand it chose) does not have; else "".
std::string unknown_subcommand(const CLI::App& app, int argc, char** argv);

void add_list(CLI::App& app, int& status);
void add_run(CLI::App& app, int& status);
void add_driver(CLI::App& app, int& status);
void add_properties(CLI::App& app, int& status);
void add_stress(CLI::App& app, int& status);
void add_faults(CLI::App& app, int& status);
void add_audit(CLI::App& app, int& status);

}  // namespace shmcheck::cli
