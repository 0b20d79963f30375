#include "options.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/harness/console.hpp>
#include <shmcheck/harness/output_file.hpp>
#include <shmcheck/harness/shard.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>

namespace shmcheck::cli {

namespace {

std::string regular_file_problem(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) return "no such file: '" + path + "'";
  if (std::filesystem::is_directory(status)) return "'" + path + "' is a directory, not a file";
  if (!std::filesystem::is_regular_file(status)) return "'" + path + "' is not a regular file";
  return "";
}

}  // namespace

const CLI::Validator& seed_value() {
  static const CLI::Validator v(
      [](std::string& s) -> std::string {
        const std::string max = "18446744073709551615";
        const bool digits = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
        const std::string significant = digits ? s.substr(std::min(s.find_first_not_of('0'), s.size() - 1)) : s;
        if (digits && (significant.size() < max.size() || (significant.size() == max.size() && significant <= max))) return "";
        return "'" + s + "' is not a seed: a decimal integer from 0 to " + max;
      },
      "UINT64", "seed");
  return v;
}

const CLI::Validator& timeout_ms_value() {
  static const CLI::Validator v = CLI::Range(1, 3600000).description("1..3600000");
  return v;
}

const CLI::Validator& expectations_file() {
  static const CLI::Validator v(
      [](std::string& s) -> std::string { return s == "none" ? "" : regular_file_problem(s); }, "FILE|none", "expectations");
  return v;
}

const CLI::Validator& input_file() {
  static const CLI::Validator v([](std::string& s) { return regular_file_problem(s); }, "FILE", "input file");
  return v;
}

const CLI::Validator& output_file() {
  static const CLI::Validator v(
      [](std::string& s) -> std::string {
        if (s == harness::kStandardOutput) return "";
        try {
          harness::check_output_path(s);
        } catch (const Error& e) {
          return e.what();
        }
        return "";
      },
      "FILE|-", "output file");
  return v;
}

const CLI::Validator& shard_value() {
  static const CLI::Validator v(
      [](std::string& s) -> std::string {
        try {
          harness::parse_shard(s);
        } catch (const Error& e) {
          return e.what();
        }
        return "";
      },
      "K/N", "shard");
  return v;
}

void add_shard_option(CLI::App& cmd, std::string& text) {
  cmd.add_option("--shard", text,
                 "Run shard K of N (1-based): every Nth case of each implementation, dealt round-robin in the whole run's "
                 "order (the audit is one unit), so the N shards with the same seed are the whole run (merge their results.json "
                 "with python3 -m reports merge --platform NAME, once per file); needs --seed")
      ->check(shard_value())
      // Without one seed each shard draws its own, orders the stress cases its own way, and
      // the shards overlap and miss cases without any error: the run must name its seed.
      ->needs("--seed");
}

void write_json(const std::string& path, const nlohmann::json& doc) {
  const std::string text = doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  if (path == harness::kStandardOutput) {
    std::cout << text << std::flush;
    return;
  }
  harness::write_output_file(path, text);
}

void add_color_option(CLI::App& cmd) {
  cmd.add_option_function<std::string>(
         "--color",
         [](const std::string& when) {
           harness::set_color_mode(when == "always" ? harness::ColorMode::always
                                   : when == "never" ? harness::ColorMode::never
                                                     : harness::ColorMode::automatic);
         },
         "Colour verdicts: auto (on a terminal, unless NO_COLOR is set), always or never")
      ->default_str("auto")
      ->check(CLI::IsMember({"auto", "always", "never"}));
}

}  // namespace shmcheck::cli
