#pragma once
// The checks of option values that several subcommands share. A value outside them is bad
// usage: CLI11 refuses it with exit 2 and a message naming the option and the value, before
// anything runs (CLI11 alone would read --seed -1 as 2^64-1, a directory given to --expect
// would abort the program, and a zero deadline would break every driver).
#include <CLI/CLI.hpp>

namespace shmcheck::cli {

// --seed: a decimal integer from 0 to 2^64-1, digits only.
const CLI::Validator& seed_value();
// --timeout-ms: from 1 ms to one hour (poll() takes an int; longer is a hang, not a deadline).
const CLI::Validator& timeout_ms_value();
// --expect: "none", or a file that exists and is not a directory.
const CLI::Validator& expectations_file();
// --clauses and other input files: exists and is a regular file (or a link to one).
const CLI::Validator& input_file();
// --json: a path shmcheck may write (harness/output_file.hpp): new, or a regular file.
const CLI::Validator& output_file();

}  // namespace shmcheck::cli
