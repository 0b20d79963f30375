#pragma once
// Verdicts and per-case results: what every suite produces and every report reads.
#include <string>
#include <string_view>
#include <vector>

namespace shmcheck::harness {

// pass and fail are judgements; inconclusive means the budget or power was too low to tell;
// broken means the harness or the environment could not run the case; unsupported means the
// implementation or platform lacks the feature. Nothing that could not tell is ever a pass.
enum class Verdict { pass, fail, inconclusive, broken, unsupported };
std::string_view to_string(Verdict v) noexcept;

struct CaseResult {
  std::string suite;
  std::string id;
  std::string source;   // where the clause comes from
  Verdict verdict = Verdict::pass;
  std::string message;  // why, for anything but pass
  std::string repro;    // the command that replays exactly this case
  double seconds = 0;
  bool expected = false;     // the implementation's expectations file lists this case as failing
  std::string expectation;   // ... and says why
  // The implementation itself broke (crashed, hung, spoke garbage), not just this case: it
  // must be stopped and started again before the next case. Not part of the results.
  bool implementation_broke = false;
};

struct Tally {
  std::size_t counts[5] = {};
  void add(Verdict v) { ++counts[static_cast<int>(v)]; }
  std::size_t of(Verdict v) const { return counts[static_cast<int>(v)]; }
};

}  // namespace shmcheck::harness
