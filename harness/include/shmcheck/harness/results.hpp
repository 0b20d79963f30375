#pragma once
// The results of a run: printing each non-pass as it happens, the per-implementation
// summary, the exit status, and the results JSON (reports/schema/results.schema.json,
// version 1), rewritten after every result so that a crash loses nothing already judged.
#include <shmcheck/harness/expectations.hpp>
#include <shmcheck/harness/implementation.hpp>
#include <shmcheck/harness/leftovers.hpp>
#include <shmcheck/harness/verdict.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace shmcheck::harness {

class Results {
 public:
  // `host`: the machine (host.hpp), as run.host.
  Results(std::string json_path, std::uint64_t seed, std::string command, nlohmann::json host);
  // An implementation, as it described itself (listed once, however many suites use it).
  void implementation(const Description& d, const std::string& isolation = "");
  // One that could not be started.
  void broken_implementation(const std::string& spec, const std::string& reason);
  // Saves the case about to run, with the command that replays it, as "running": if the run
  // dies in it (a crash of an in-process implementation), the record says where and how to
  // replay. record() clears it.
  void begin(const std::string& impl, const CaseResult& r);
  // Appends a row to a list of a section the suites add: ("stress", "runs"), ("lifetime", "cases").
  void section(const std::string& name, const std::string& list, const nlohmann::json& row);
  // Replaces a whole section ("audit", "performance").
  void set_section(const std::string& name, const nlohmann::json& section);
  // What an implementation left behind while a suite ran on it (leftovers.hpp): named on the
  // console and counted in results.json's leftovers; nothing when there is nothing.
  void leftovers(const std::string& impl, const std::string& suite, const Leftovers& left);
  // Marks r expected or not, prints it unless it passed as expected, counts it, saves.
  void record(const std::string& impl, const Expectations& expectations,
              CaseResult r, const nlohmann::json& extra = nlohmann::json::object());
  // Prints one line per implementation and suite, records the run's duration and saves.
  void print_summary(const std::vector<std::string>& impls);
  int exit_status() const;  // 1 unexpected fail, 3 unexpected broken, else 0
  const std::string& path() const noexcept { return path_; }

 private:
  void save() const;
  std::string path_;
  std::chrono::steady_clock::time_point started_;
  bool progress_;  // a progress line on stderr, when it is a terminal
  nlohmann::json doc_;
  std::vector<std::pair<std::string, CaseResult>> results_;
  std::size_t unexpected_failures_ = 0, unexpected_broken_ = 0;
};

}  // namespace shmcheck::harness
