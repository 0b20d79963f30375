#pragma once
// The results of a run: printing each non-pass as it happens, the per-implementation
// summary, the exit status, and the results JSON (reports/schema/results.schema.json,
// version 1), rewritten after every result so that a crash loses nothing already judged.
#include <shmcheck/harness/console.hpp>
#include <shmcheck/harness/expectations.hpp>
#include <shmcheck/harness/implementation.hpp>
#include <shmcheck/harness/leftovers.hpp>
#include <shmcheck/harness/shard.hpp>
#include <shmcheck/harness/verdict.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace shmcheck::harness {

class Results {
 public:
  // `host`: the machine (host.hpp), as run.host. `json_path` "" writes no file.
  Results(std::string json_path, std::uint64_t seed, std::string command, nlohmann::json host);
  // Also writes the final document, once, to descriptor `fd` when print_summary ends the run
  // (--json -: standard output cannot be rewritten as each result comes).
  void final_document_to(int fd) noexcept { final_fd_ = fd; }
  // This run is shard `s` of a split run (shard.hpp), recorded as run.shard.
  void set_shard(const Shard& s);
  // Deals the run's units, in its order, to this shard (shard.hpp): every one for a whole run.
  Dealer& dealer() noexcept { return dealer_; }
  // A suite loop of `total` cases begins (0: not known beforehand): the progress counts them.
  void expect_cases(std::size_t total) { progress_.start(total); }
  // Prints `text` on stdout (the progress line cleared first): what a suite says besides
  // results.
  void print(const std::string& text);
  // An implementation, as it described itself (listed once, however many suites use it).
  void implementation(const Description& d, const std::string& isolation = "");
  // One that could not be started.
  void broken_implementation(const std::string& spec, const std::string& reason);
  // Saves the case about to run, with the command that replays it, as "running": if the run
  // dies in it (a crash of an in-process implementation), the record says where and how to
  // replay. record() clears it.
  void begin(const std::string& impl, const CaseResult& r);
  // Prints `line` (a finding about the running case, before its result) and adds `fields` to
  // the running case's record (run.running), so that a run killed before the case ends still
  // has what it found.
  void note(const std::string& line, const nlohmann::json& fields);
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
  std::size_t judged() const noexcept { return results_.size(); }

 private:
  std::string document_text() const;
  void save() const;
  std::string path_;
  std::chrono::steady_clock::time_point started_;
  Progress progress_;
  Dealer dealer_;
  int final_fd_ = -1;
  nlohmann::json doc_;
  std::vector<std::pair<std::string, CaseResult>> results_;
  std::size_t unexpected_failures_ = 0, unexpected_broken_ = 0;
};

}  // namespace shmcheck::harness
