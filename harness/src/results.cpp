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

// A verdict word in its colour, in a column 12 wide.
std::string padded_verdict(Verdict v) {
  const std::string_view word = to_string(v);
  return in_verdict_color(v, word, STDOUT_FILENO) + std::string(word.size() < 12 ? 12 - word.size() : 0, ' ');
}

// "3 fail" in its colour when it is news: what nobody expected (an expected failure is not).
std::string counted(std::size_t n, std::size_t expected, Verdict v) {
  const std::string words = fmt::format("{} {}", n, to_string(v));
  const bool news = v == Verdict::pass ? n > 0 : n > expected;
  return news ? in_verdict_color(v, words, STDOUT_FILENO) : words;
}

}  // namespace

Results::Results(std::string json_path, std::uint64_t seed, std::string command, nlohmann::json host)
    : path_(std::move(json_path)), started_(std::chrono::steady_clock::now()) {
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

void Results::set_shard(const Shard& s) {
  dealer_ = Dealer(s);
  doc_["run"]["shard"] = {{"index", s.index}, {"count", s.count}};
  save();
}

void Results::print(const std::string& text) {
  progress_.clear();
  std::cout << text << std::flush;
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
  save();
  progress_.begin(r.suite, impl, r.id);
}

void Results::note(const std::string& line, const nlohmann::json& fields) {
  // On disk before it is printed: whoever sees the line and stops the run (a CI timeout, a
  // user's ^C, SIGKILL) finds it in results.json too.
  if (doc_["run"].contains("running")) doc_["run"]["running"].update(fields);
  save();
  print(line);
}

void Results::section(const std::string& name, const std::string& list, const nlohmann::json& row) {
  doc_[name][list].push_back(recordable(row));
  save();
}

void Results::leftovers(const std::string& impl, const std::string& suite, const Leftovers& left) {
  if (left.empty()) return;
  progress_.clear();
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
  progress_.clear();
  if (r.verdict == Verdict::pass && r.expected)
    std::cout << fmt::format("{:<12} {} {}: passes, but {} expects it to fail: {}\n", "unexpected", shown_word(impl),
                             shown_word(r.id), expectations.source(), shown(r.expectation));
  else if (r.verdict != Verdict::pass)
    std::cout << fmt::format("{} {} {}: {}{}\n  replay: {}\n", padded_verdict(r.verdict), shown_word(impl), shown_word(r.id),
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
  progress_.finished(impl, results_.back().second);
}

void Results::print_summary(const std::vector<std::string>& impls) {
  progress_.clear();
  if (interrupted()) {
    doc_["run"]["interrupted"] = interruption();
    std::cout << fmt::format("{}: the results are partial ({} judged)\n", interruption(), results_.size());
  }
  for (const char* suite : {"spec", "property", "stress", "lifetime", "faults", "audit"})
    for (const auto& impl : impls) {
      Tally t, expected;
      std::size_t n = 0;
      for (const auto& [name, r] : results_)
        if (name == impl && r.suite == suite) {
          t.add(r.verdict);
          ++n;
          if (r.expected) expected.add(r.verdict);
        }
      if (n == 0) continue;
      const auto of = [&](Verdict v) { return counted(t.of(v), expected.of(v), v); };
      std::cout << fmt::format("{} suite on {}: {}, {} ({} expected), {}, {}, {}\n", suite, impl, of(Verdict::pass),
                               of(Verdict::fail), expected.of(Verdict::fail), of(Verdict::inconclusive), of(Verdict::broken),
                               of(Verdict::unsupported));
    }
  doc_["run"]["duration_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  save();
  if (!path_.empty()) std::cout << "results: " << path_ << "\n";
  if (final_fd_ >= 0) write_to_descriptor(final_fd_, document_text(), "the results to standard output");
}

int Results::exit_status() const {
  if (const int sig = interrupted()) return 128 + sig;  // partial results: say so first
  // Only what nobody expected decides the exit status.
  if (unexpected_failures_) return 1;
  if (unexpected_broken_) return 3;
  return 0;
}

std::string Results::document_text() const {
  // Everything went in through recordable(); `replace` is the backstop that keeps a byte that
  // slipped past it from ending the run (nlohmann's dump throws on text that is not UTF-8).
  return doc_.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void Results::save() const {
  if (!path_.empty()) write_output_file(path_, document_text());
}

}  // namespace shmcheck::harness
