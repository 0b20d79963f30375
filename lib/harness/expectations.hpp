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
// implementation ("2.7" matches "2.7.18"); absent means every version.
#include "verdict.hpp"

#include <string>
#include <vector>

namespace shmcheck::harness {

struct Expectation {
  std::string suite;
  std::string case_pattern;
  std::vector<std::string> versions;
  std::string reason;
};

class Expectations {
 public:
  Expectations() = default;
  // ValueError naming the file and the entry when it is malformed.
  static Expectations load(const std::string& path);
  // The entry that expects `suite`/`case_id` to fail on `version`, or nullptr.
  const Expectation* find(const std::string& version, const std::string& suite, const std::string& case_id) const;
  const std::string& source() const noexcept { return source_; }

 private:
  std::vector<Expectation> entries_;
  std::string source_;
};

}  // namespace shmcheck::harness
