#pragma once
// The checks of option values that several subcommands share. A value outside them is bad
// usage: CLI11 refuses it with exit 2 and a message naming the option and the value, before
// anything runs (CLI11 alone would read --seed -1 as 2^64-1, a directory given to --expect
// would abort the program, and a zero deadline would break every driver).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <string>

namespace shmcheck::cli {

// --seed: a decimal integer from 0 to 2^64-1, digits only.
const CLI::Validator& seed_value();
// --timeout-ms: from 1 ms to one hour (poll() takes an int; longer is a hang, not a deadline).
const CLI::Validator& timeout_ms_value();
// --expect: "none", or a file that exists and is not a directory.
const CLI::Validator& expectations_file();
// --clauses and other input files: exists and is a regular file (or a link to one).
const CLI::Validator& input_file();
// --json: a path shmcheck may write (harness/output_file.hpp): new, or a regular file; or "-",
// standard output.
const CLI::Validator& output_file();
// --shard: K/N, 1 <= K <= N (harness/shard.hpp).
const CLI::Validator& shard_value();

// --shard K/N on a subcommand that runs cases, into `text` ("" when not given).
void add_shard_option(CLI::App& cmd, std::string& text);
// Writes `doc` as --json FILE|- asks: the whole file (harness/output_file.hpp), or stdout.
void write_json(const std::string& path, const nlohmann::json& doc);

// --color auto|always|never on a subcommand that prints verdicts (harness/console.hpp).
void add_color_option(CLI::App& cmd);

}  // namespace shmcheck::cli
