#include "cli/results.hpp"

#include "registry.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/version.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>

namespace shmcheck::cli {

using harness::Verdict;

std::string shell_word(const std::string& s) {
  if (s.find_first_of(" '\"$\\`") == std::string::npos) return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

harness::Expectations expectations_for(const std::string& expect_option, const std::string& impl) {
  if (expect_option == "none") return {};
  harness::Expectations e;
  // By default an implementation kind's own file: drivers/cpython/, drivers/boost/.
  const std::string kind = impl.substr(0, impl.find_first_of(":@"));
  const std::string own = drivers::drivers_dir() + "/" + kind + "/expectations.json";
  if (!expect_option.empty()) e = harness::Expectations::load(expect_option);
  else if ((kind == "cpython" || kind == "boost") && std::ifstream(own)) e = harness::Expectations::load(own);
  const auto at = impl.rfind('@');
  if (at != std::string::npos) e.set_start_method(impl.substr(at + 1));
  return e;
}

Results::Results(std::string json_path, std::uint64_t seed, std::string command) : path_(std::move(json_path)) {
  const std::time_t t = std::time(nullptr);
  char when[32];
  std::strftime(when, sizeof when, "%FT%TZ", std::gmtime(&t));
  doc_["schema"] = "shmcheck-results/0";
  doc_["run"] = {{"started", when}, {"seed", seed}, {"command", command}, {"shmcheck", version}, {"git", git_revision}};
  doc_["implementations"] = nlohmann::json::array();
  doc_["results"] = nlohmann::json::array();
  save();
}

void Results::implementation(const nlohmann::json& described) {
  doc_["implementations"].push_back(described);
  save();
}

void Results::begin(const std::string& impl, const harness::CaseResult& r) {
  doc_["running"] = {{"impl", impl}, {"suite", r.suite}, {"case", r.id}, {"repro", r.repro}};
  save();
}

void Results::section(const std::string& name, const nlohmann::json& row) {
  doc_[name].push_back(row);
  save();
}

void Results::record(const std::string& impl, const std::string& impl_version, const harness::Expectations& expectations,
                     harness::CaseResult r, const nlohmann::json& extra) {
  if (const auto* e = expectations.find(impl_version, r.suite, r.id)) {
    r.expected = true;
    r.expectation = e->reason;
  }
  if (r.verdict == Verdict::fail && !r.expected) ++unexpected_failures_;
  if (r.verdict == Verdict::broken && !r.expected) ++unexpected_broken_;
  if (r.verdict == Verdict::pass && r.expected)
    std::cout << fmt::format("{:<12} {} {}: passes, but {} expects it to fail: {}\n", "unexpected", impl, r.id,
                             expectations.source(), r.expectation);
  else if (r.verdict != Verdict::pass)
    std::cout << fmt::format("{:<12} {} {}: {}{}\n  replay: {}\n", to_string(r.verdict), impl, r.id, r.message,
                             r.expected ? "\n  expected: " + r.expectation : "", r.repro);
  nlohmann::json j = {{"impl", impl}, {"suite", r.suite}, {"case", r.id}, {"source", r.source},
                      {"verdict", to_string(r.verdict)}, {"expected", r.expected}, {"expectation", r.expectation},
                      {"message", r.message}, {"repro", r.repro}, {"seconds", r.seconds}};
  j.update(extra);
  doc_["results"].push_back(j);
  doc_.erase("running");
  results_.emplace_back(impl, std::move(r));
  save();
}

void Results::print_summary(const std::string& suite, const std::vector<std::string>& impls) const {
  for (const auto& impl : impls) {
    harness::Tally t;
    std::size_t expected_fails = 0;
    for (const auto& [name, r] : results_)
      if (name == impl) {
        t.add(r.verdict);
        expected_fails += r.verdict == Verdict::fail && r.expected;
      }
    std::cout << fmt::format("{} suite on {}: {} pass, {} fail ({} expected), {} inconclusive, {} broken, {} unsupported\n",
                             suite, impl, t.of(Verdict::pass), t.of(Verdict::fail), expected_fails,
                             t.of(Verdict::inconclusive), t.of(Verdict::broken), t.of(Verdict::unsupported));
  }
  if (!path_.empty()) std::cout << "results: " << path_ << "\n";
}

int Results::exit_status() const {
  // Only what nobody expected decides the exit status.
  if (unexpected_failures_) return 1;
  if (unexpected_broken_) return 3;
  return 0;
}

void Results::save() const {
  if (path_.empty()) return;
  const std::string tmp = path_ + ".tmp";
  {
    std::ofstream out(tmp);
    out << doc_.dump(2) << "\n";
    if (!out) throw OSError(errno, "writing " + tmp);
  }
  if (std::rename(tmp.c_str(), path_.c_str()) != 0) throw OSError(errno, "renaming " + tmp + " to " + path_);
}

}  // namespace shmcheck::cli
