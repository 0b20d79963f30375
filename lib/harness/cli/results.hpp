#pragma once
// What every running subcommand shares: expectations per implementation, printing each
// non-pass as it happens, the per-implementation summary, the exit status, and the results
// JSON, rewritten after every result so that a crash loses nothing already judged.
#include "expectations.hpp"
#include "verdict.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace shmcheck::cli {

std::string shell_word(const std::string& s);  // quoted for a POSIX shell when it needs it

// --expect FILE|none replaces the default: CPython's own file for cpython specs, else none.
harness::Expectations expectations_for(const std::string& expect_option, const std::string& impl);

class Results {
 public:
  Results(std::string json_path, std::uint64_t seed, std::string command);
  void implementation(const nlohmann::json& described);
  // Saves the case about to run, with the command that replays it, as "running": if the run
  // dies in it (a crash of an in-process implementation), the record says where and how to
  // replay. record() clears it.
  void begin(const std::string& impl, const harness::CaseResult& r);
  // Appends a row to a section the suites add ("stress", "audit", ...).
  void section(const std::string& name, const nlohmann::json& row);
  // Marks r expected or not, prints it unless it passed as expected, counts it, saves.
  void record(const std::string& impl, const std::string& impl_version, const harness::Expectations& expectations,
              harness::CaseResult r, const nlohmann::json& extra = nlohmann::json::object());
  void print_summary(const std::string& suite, const std::vector<std::string>& impls) const;
  int exit_status() const;  // 1 unexpected fail, 3 unexpected broken, else 0

 private:
  void save() const;
  std::string path_;
  nlohmann::json doc_;
  std::vector<std::pair<std::string, harness::CaseResult>> results_;
  std::size_t unexpected_failures_ = 0, unexpected_broken_ = 0;
};

}  // namespace shmcheck::cli
