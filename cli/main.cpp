// shmcheck: checks implementations of shared-memory Array/Value semantics.
#include "commands.hpp"

#include "drivers/scenarios/workers.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/harness/interrupt.hpp>
#include <shmcheck/protocol/driver_text.hpp>
#include <shmcheck/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include <unistd.h>

int main(int argc, char** argv) {
  // Line-buffered stdout in every subcommand: with stdout redirected to a file (a CI log),
  // block buffering held back what a long run had found and left a killed run's log cut
  // mid-line. std::cout writes through stdio (synchronized), so this covers both.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  shmcheck::cli::set_command_line(argc, argv);
  // A run stops cleanly on SIGINT, SIGTERM and SIGHUP (partial results, exit 128 + signal);
  // `shmcheck driver` is a driver, which its harness stops with SIGKILL.
  if (!(argc > 1 && std::strcmp(argv[1], "driver") == 0)) {
    shmcheck::harness::install_interrupt_handlers(&shmcheck::drivers::scenarios::kill_all_workers);
    // What the reference makes in-process is named as this run's own, not as any shmcheck's.
    if (!std::getenv("SHMCHECK_SHM_PREFIX"))
      setenv("SHMCHECK_SHM_PREFIX", fmt::format("shmcheck-{}-0-", getpid()).c_str(), 1);
  }
  CLI::App app{"shmcheck: a test-and-verification harness for shared-memory Array/Value semantics"};
  app.set_version_flag("--version", fmt::format("shmcheck {} (git {})", shmcheck::version, shmcheck::git_revision));
  app.footer(shmcheck::cli::exit_status_help);
  app.require_subcommand(1);
  int status = shmcheck::cli::ok;
  shmcheck::cli::add_list(app, status);
  shmcheck::cli::add_run(app, status);
  shmcheck::cli::add_driver(app, status);
  shmcheck::cli::add_properties(app, status);
  shmcheck::cli::add_stress(app, status);
  shmcheck::cli::add_faults(app, status);
  shmcheck::cli::add_audit(app, status);
  // CLI11 answers `shmcheck report --help` with the main help and exit 0, as if "report" were
  // nothing: a subcommand nobody has is bad usage, with or without --help.
  if (const std::string unknown = shmcheck::cli::unknown_subcommand(app, argc, argv); !unknown.empty()) {
    std::cerr << "shmcheck: " << shmcheck::protocol::for_console(unknown) << "\n";
    return shmcheck::cli::usage;
  }
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
