#pragma once
// The suite loop, the one every suite runs in: for each subject (an implementation, or a pair
// in differential mode) open it, list it in the results, run each case and record its
// result with the subject's expectations; an implementation that broke is stopped and opened
// again for the next case, and one that cannot be opened makes every case `broken` with the
// reason. A suite says only what its cases are and how one runs.
#include <shmcheck/harness/expectations.hpp>
#include <shmcheck/harness/implementation.hpp>
#include <shmcheck/harness/results.hpp>
#include <shmcheck/harness/verdict.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace shmcheck::harness {

// One column of the results.
struct Subject {
  std::string label;               // "ref", "python:/usr/bin/python3", "ref vs boost"
  std::vector<std::string> specs;  // the implementations it opens: one, or two in differential mode
  // Its expectations, once it has said what it is (an empty function: none; a difference
  // between two is never expected).
  std::function<Expectations(const Description&)> expectations;
};

// Opens one implementation by its spec (the command line's registry); Broken when it cannot.
using Opener = std::function<std::unique_ptr<Implementation>(const std::string& spec)>;

struct CaseInfo {
  std::string suite;   // "spec", "property", "stress", "lifetime", "faults": where the result is counted
  std::string id;
  std::string source;  // the clause or claim it checks
};

// A case's result and what the results row carries besides (a counterexample, a seed).
struct Judged {
  CaseResult result;
  nlohmann::json extra = nlohmann::json::object();
};

// What a case runs on: the subject's implementations, open.
struct Session {
  const Subject& subject;
  std::vector<Implementation*> impls;
  const Description& description;   // as listed in the results
  const Expectations& expectations;  // the subject's, bound to what it said it is
};

class Suite {
 public:
  virtual ~Suite() = default;
  // The cases, in the order they run on every subject.
  virtual std::vector<CaseInfo> cases() const = 0;
  // The arguments of `shmcheck ...` that replay exactly this case on this subject.
  virtual std::string replay_arguments(const Subject& s, const CaseInfo& c) const = 0;
  // Runs one case. Fields of the result left empty (suite, id, source, repro) are filled
  // from the case and replay_arguments. A result marked implementation_broke makes the loop stop the
  // implementations and open them again before the next case. `results` takes the rows a
  // suite adds to sections of its own (results.section).
  virtual Judged run(Session& session, const CaseInfo& c, Results& results) = 0;
  // How a subject is listed: its one implementation's description by default.
  virtual Description describe(const Subject& s, const std::vector<Implementation*>& impls) const;
};

// Runs every case of `suite` on every subject, recording into `results`; in a shard of a split
// run, the cases the shard is dealt (shard.hpp, Results::dealer).
void run_suite(Suite& suite, const std::vector<Subject>& subjects, const Opener& open, Results& results);

}  // namespace shmcheck::harness
