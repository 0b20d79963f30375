#include <shmcheck/harness/output_file.hpp>
#include <shmcheck/harness/results.hpp>

#include <shmcheck/harness/interrupt.hpp>

#include <shmcheck/protocol/driver_text.hpp>
#include <shmcheck/version.hpp>

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <iostream>
#include <unistd.h>

namespace shmcheck::harness {

// Everything an implementation said reaches the console and results.json through these two:
// escaped and cut on the console, valid UTF-8 and bounded in the file (driver_text.hpp).
using protocol::recordable;

namespace {

std::string shown(std::string_view text) { return protocol::for_console(text); }
std::string shown_word(std::string_view text) { return protocol::for_console(text, 200, false); }

}  // namespace

Results::Results(std::string json_path, std::uint64_t seed, std::string command, nlohmann::json host)
    : path_(std::move(json_path)), started_(std::chrono::steady_clock::now()), progress_(isatty(STDERR_FILENO) == 1) {
  const std::time_t t = std::time(nullptr);
  char when[32];
  std::strftime(when, sizeof when, "%FT%TZ", std::gmtime(&t));
  doc_["schema"] = "shmcheck-results/1";
  doc_["run"] = {{"started", when},      {"duration_seconds", nullptr}, {"seed", seed},     {"command", command},
                 {"git", git_revision}, {"shmcheck", version},         {"host", std::move(host)}};
  doc_["implementations"] = nlohmann::json::array();
  doc_["results"] = nlohmann::json::array();
  save();
}

void Results::implementation(const Description& d, const std::string& isolation) {
  for (const auto& known : doc_["implementations"])
    if (known.at("spec") == d.spec) return;
  nlohmann::json entry = d.to_json();
  if (!isolation.empty()) entry["isolation"] = isolation;
  doc_["implementations"].push_back(recordable(entry));
  save();
}

void Results::broken_implementation(const std::string& spec, const std::string& reason) {
  for (const auto& known : doc_["implementations"])
    if (known.at("spec") == spec) return;
  doc_["implementations"].push_back(recordable({{"spec", spec}, {"broken", reason}}));
  save();
}

void Results::begin(const std::string& impl, const CaseResult& r) {
  doc_["run"]["running"] = recordable({{"impl", impl}, {"suite", r.suite}, {"case", r.id}, {"repro", r.repro}});
  if (progress_)
    std::cerr << fmt::format("\r\033[K[{} done] {} {} {}", doc_["results"].size(), r.suite, shown_word(impl), shown_word(r.id))
              << std::flush;
  save();
}

void Results::note(const std::string& line, const nlohmann::json& fields) {
  // On disk before it is printed: whoever sees the line and stops the run (a CI timeout, a
  // user's ^C, SIGKILL) finds it in results.json too.
  if (doc_["run"].contains("running")) doc_["run"]["running"].update(fields);
  save();
  if (progress_) std::cerr << "\r\033[K" << std::flush;
  std::cout << line << std::flush;
}

void Results::section(const std::string& name, const std::string& list, const nlohmann::json& row) {
  doc_[name][list].push_back(recordable(row));
  save();
}

void Results::leftovers(const std::string& impl, const std::string& suite, const Leftovers& left) {
  if (left.empty()) return;
  if (progress_) std::cerr << "\r\033[K" << std::flush;
  // The names are what the implementation chose: any bytes but '/' and NUL.
  std::vector<std::string> dev_shm, appeared;
  for (const auto& name : left.dev_shm) dev_shm.push_back(shown_word(name));
  for (const auto& name : left.appeared) appeared.push_back(shown_word(name));
  if (!left.dev_shm.empty())
    std::cout << fmt::format("{:<12} {} left {} /dev/shm entr{} behind in the {} suite, removed: {}\n", "leftovers", impl, left.dev_shm.size(),
                             left.dev_shm.size() == 1 ? "y" : "ies", suite, fmt::join(dev_shm, ", "));
  if (!left.appeared.empty())
    std::cout << fmt::format("{:<12} {} appeared in the machine's shared namespaces while the {} suite ran on {} (not known to be "
                             "its own, left alone): {}\n",
                             "leftovers", left.appeared.size(), suite, impl, fmt::join(appeared, ", "));
  doc_["leftovers"].push_back(recordable({{"impl", impl}, {"suite", suite}, {"dev_shm", left.dev_shm}, {"appeared", left.appeared}}));
  save();
}

void Results::set_section(const std::string& name, const nlohmann::json& section) {
  doc_[name] = recordable(section);
  save();
}

void Results::record(const std::string& impl, const Expectations& expectations,
                     CaseResult r, const nlohmann::json& extra) {
  if (const auto* e = expectations.find(r.suite, r.id)) {
    r.expected = true;
    r.expectation = e->reason;
  }
  if (r.verdict == Verdict::fail && !r.expected) ++unexpected_failures_;
  if (r.verdict == Verdict::broken && !r.expected) ++unexpected_broken_;
  if (progress_) std::cerr << "\r\033[K" << std::flush;
  if (r.verdict == Verdict::pass && r.expected)
    std::cout << fmt::format("{:<12} {} {}: passes, but {} expects it to fail: {}\n", "unexpected", shown_word(impl),
                             shown_word(r.id), expectations.source(), shown(r.expectation));
  else if (r.verdict != Verdict::pass)
    std::cout << fmt::format("{:<12} {} {}: {}{}\n  replay: {}\n", to_string(r.verdict), shown_word(impl), shown_word(r.id),
                             shown(r.message), r.expected ? "\n  expected: " + shown(r.expectation) : "",
                             protocol::for_console(r.repro, std::string::npos, false));
  nlohmann::json j = {{"impl", impl}, {"suite", r.suite}, {"case", r.id}, {"source", r.source},
                      {"verdict", to_string(r.verdict)}, {"expected", r.expected}, {"expectation", r.expectation},
                      {"message", r.message}, {"repro", r.repro}, {"seconds", r.seconds}};
  j.update(extra);
  doc_["results"].push_back(recordable(j));
  doc_["run"].erase("running");
  results_.emplace_back(impl, std::move(r));
  save();
}

void Results::print_summary(const std::vector<std::string>& impls) {
  if (interrupted()) {
    doc_["run"]["interrupted"] = interruption();
    std::cout << fmt::format("{}: the results are partial ({} judged)\n", interruption(), results_.size());
  }
  for (const char* suite : {"spec", "property", "stress", "lifetime", "audit"})
    for (const auto& impl : impls) {
      Tally t;
      std::size_t expected_fails = 0, n = 0;
      for (const auto& [name, r] : results_)
        if (name == impl && r.suite == suite) {
          t.add(r.verdict);
          ++n;
          expected_fails += r.verdict == Verdict::fail && r.expected;
        }
      if (n == 0) continue;
      std::cout << fmt::format("{} suite on {}: {} pass, {} fail ({} expected), {} inconclusive, {} broken, {} unsupported\n",
                               suite, impl, t.of(Verdict::pass), t.of(Verdict::fail), expected_fails,
                               t.of(Verdict::inconclusive), t.of(Verdict::broken), t.of(Verdict::unsupported));
    }
  doc_["run"]["duration_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  save();
  if (!path_.empty()) std::cout << "results: " << path_ << "\n";
}

int Results::exit_status() const {
  if (const int sig = interrupted()) return 128 + sig;  // partial results: say so first
  // Only what nobody expected decides the exit status.
  if (unexpected_failures_) return 1;
  if (unexpected_broken_) return 3;
  return 0;
}

void Results::save() const {
  if (path_.empty()) return;
  // Everything went in through recordable(); `replace` is the backstop that keeps a byte that
  // slipped past it from ending the run (nlohmann's dump throws on text that is not UTF-8).
  write_output_file(path_, doc_.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

}  // namespace shmcheck::harness
