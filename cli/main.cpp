// shmcheck: checks implementations of shared-memory Array/Value semantics.
#include "commands.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/protocol/driver_text.hpp>
#include <shmcheck/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

int main(int argc, char** argv) {
  shmcheck::cli::set_command_line(argc, argv);
  CLI::App app{"shmcheck: a test-and-verification harness for shared-memory Array/Value semantics"};
  app.set_version_flag("--version", fmt::format("shmcheck {} (git {})", shmcheck::version, shmcheck::git_revision));
  app.footer(
      "Exit status: 0 nothing failed or broke unexpectedly, 1 something failed unexpectedly,\n"
      "2 bad usage or input, 3 something broke (and nothing failed).");
  app.require_subcommand(1);
  int status = shmcheck::cli::ok;
  shmcheck::cli::add_list(app, status);
  shmcheck::cli::add_run(app, status);
  shmcheck::cli::add_driver(app, status);
  shmcheck::cli::add_properties(app, status);
  shmcheck::cli::add_stress(app, status);
  shmcheck::cli::add_audit(app, status);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : shmcheck::cli::usage;
  } catch (const shmcheck::Error& e) {
    std::cerr << "shmcheck: " << shmcheck::protocol::for_console(e.what()) << "\n";
    return e.kind() == shmcheck::ErrorKind::os ? shmcheck::cli::broke : shmcheck::cli::usage;
  } catch (const nlohmann::json::exception& e) {
    // A backstop: input files are validated where they are loaded, but JSON that got past
    // that is still bad input, never an abort.
    std::cerr << "shmcheck: bad input: " << shmcheck::protocol::for_console(e.what()) << "\n";
    return shmcheck::cli::usage;
  }
  return status;
}
