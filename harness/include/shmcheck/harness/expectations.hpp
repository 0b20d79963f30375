#pragma once
// Expected failures: the cases an implementation is known to fail, each with its reason, as
// test262 runners keep per engine. A result keeps its verdict and whether it was expected;
// only unexpected failures make a run fail, and an expected failure that passes is reported.
//
// File format (JSON):
//   {"implementation": "cpython",
//    "include": ["other.json"],
//    "expected_failures": [
//      {"suite": "spec", "case": "matrix-c-*", "versions": ["2.7"],
//       "reason": "2.7's c_char takes no int",
//       "reproduction": "import ctypes; ctypes.c_char(66)  # TypeError"}]}
// A real bug's entry carries a short standalone `reproduction`.
// `case` may end in '*' (a prefix), or be a list of such patterns sharing one reason. An entry applies to every implementation the file is used
// for unless it narrows itself with:
//   `versions`         prefixes of the implementation's own version ("2.7" matches "2.7.18");
//   `implementations`  its names, as its hello says ("cpython", "pypy");
//   `module_versions`  prefixes of the version of the module under test;
//   `start_methods`    the spec's @fork, @spawn, @forkserver (no suffix is fork);
//   `abis`             the ABI it runs as (audit/data/abis.json, "linux-armhf"): what the
//                      ABI makes of the same code (an 8-byte store that is two 4-byte ones).
// `implementation` (the file's own) narrows every entry that names no `implementations`, so
// what a file says of CPython never applies to PyPy. `include` adds another file's entries and
// dialects (relative to this one), narrowed as that file says: a file applies nothing of
// another implementation's unless it says so.
//
// The file may also list dialects: semantics an implementation legitimately varies in, which
// the property suite's model takes as data instead of failing every property they touch:
//   "dialects": [{"versions": ["2.7"], "stores": {"c": ["bytes1"]}, "reason": "..."}]
// (see properties/model.hpp for what a dialect may say); they narrow themselves the same way.
#include <shmcheck/harness/implementation.hpp>
#include <shmcheck/harness/verdict.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace shmcheck::harness {

// What an entry or a dialect applies to; empty lists narrow nothing.
struct Applies {
  std::vector<std::string> versions;
  std::vector<std::string> implementations;
  std::vector<std::string> module_versions;
  std::vector<std::string> start_methods;
  std::vector<std::string> abis;
};

struct Expectation {
  std::string suite;
  std::string case_pattern;
  std::string reason;
  Applies applies;
  std::string source;  // the file it comes from
};

class Expectations {
 public:
  Expectations() = default;
  // ValueError naming the file and the entry when it (or a file it includes) is malformed.
  static Expectations load(const std::string& path);
  // The entries and dialects that apply to `d` started with `start_method`; the others are
  // dropped.
  Expectations bound_to(const Description& d, const std::string& start_method = "fork") const;
  // The entry that expects `suite`/`case_id` to fail, or nullptr.
  const Expectation* find(const std::string& suite, const std::string& case_id) const;
  const std::string& source() const noexcept { return source_; }
  // The top file's own "implementation", or empty: a caller can tell a file that names another
  // implementation than the one it is applied to, which would otherwise apply nothing, silently.
  const std::string& implementation() const noexcept { return implementation_; }
  // The dialect entries merged into one object (later entries win).
  nlohmann::json dialect() const;

 private:
  void read(const std::string& path, std::vector<std::string>& seen);
  std::vector<Expectation> entries_;
  std::vector<std::pair<Applies, nlohmann::json>> dialects_;
  std::string source_;
  std::string implementation_;
};

}  // namespace shmcheck::harness
