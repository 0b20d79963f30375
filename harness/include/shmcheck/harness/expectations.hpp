#pragma once
// Expected failures: the cases an implementation is known to fail, each with its reason, as
// test262 runners keep per engine. A result keeps its verdict and whether it was expected;
// only unexpected failures make a run fail, and an expected failure that passes is reported.
//
// File format (JSON):
//   {"implementation": "cpython",
//    "expected_failures": [
//      {"suite": "spec", "case": "matrix-c-*", "versions": ["2.7"],
//       "reason": "2.7's c_char takes no int"}]}
// `case` may end in '*' (a prefix); `versions` (optional) are version prefixes of the
// implementation ("2.7" matches "2.7.18"); absent means every version. `start_methods`
// (optional) limits an entry to implementations started with one of them (the spec's
// @spawn, @forkserver; no suffix is fork).
//
// The file may also list dialects: semantics an implementation legitimately varies in, which
// the property suite's model takes as data instead of failing every property they touch:
//   "dialects": [{"versions": ["2.7"], "stores": {"c": ["bytes1"]}, "reason": "..."}]
// (see properties/model.hpp for what a dialect may say).
#include <shmcheck/harness/verdict.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace shmcheck::harness {

struct Expectation {
  std::string suite;
  std::string case_pattern;
  std::vector<std::string> versions;
  std::string reason;
  std::vector<std::string> start_methods;
};

class Expectations {
 public:
  Expectations() = default;
  // ValueError naming the file and the entry when it is malformed.
  static Expectations load(const std::string& path);
  // Entries with start_methods apply only when the implementation runs with one of them.
  void set_start_method(std::string method) { start_method_ = std::move(method); }
  // The entry that expects `suite`/`case_id` to fail on `version`, or nullptr.
  const Expectation* find(const std::string& version, const std::string& suite, const std::string& case_id) const;
  const std::string& source() const noexcept { return source_; }
  // The dialect entries for `version`, merged into one object (later entries win).
  nlohmann::json dialect(const std::string& version) const;

 private:
  std::vector<Expectation> entries_;
  std::vector<std::pair<std::vector<std::string>, nlohmann::json>> dialects_;
  std::string source_;
  std::string start_method_ = "fork";
};

}  // namespace shmcheck::harness
