#pragma once
// The spec suite: CPython's single-object clauses as data (clauses.json) plus the generated
// typecode x shape x lock matrix, run against any implementation.
#include <shmcheck/harness/implementation.hpp>
#include <shmcheck/harness/suite.hpp>
#include <shmcheck/harness/verdict.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace shmcheck::spec {

using harness::CaseResult;
using harness::Implementation;

// A cell of the generated matrix: its steps depend on the implementation's own typecode sizes.
struct MatrixCell {
  char code;
  bool array;
  bool raw;
  std::uint64_t seed;
};

struct SpecCase {
  std::string id;
  std::string source;
  std::string platform;  // "" for any, "lp64" where the clause needs 8-byte long
  nlohmann::json steps;  // a matrix cell's: for this machine's sizes
  std::optional<MatrixCell> cell;
};

// The cases of a clauses file (ValueError naming the file and the bad case when malformed).
std::vector<SpecCase> load_clauses(const std::string& path);
// The typecode x {value, array} x {lock, raw} matrix: zero fill, extremes round trip, and
// wrap-around one past each end, with expectations derived from the platform's limits.
// `seed` picks the extra in-range values each cell also round-trips.
std::vector<SpecCase> generate_matrix(std::uint64_t seed);
// A cell's steps for an implementation whose hello reports `sizes` (typecode -> {size, align}):
// an integer's range is that of its reported size, so that a 4-byte `long` (i686, armhf,
// Windows) or a 2-byte 'u' (Windows) is judged by its own limits, not this machine's.
// The size itself is the audit's to compare across ABIs.
nlohmann::json matrix_steps(const MatrixCell& cell, const std::map<char, std::pair<int, int>>& sizes);

// Runs one case against an implementation, as one batch of operations.
CaseResult run_spec_case(const SpecCase& c, Implementation& impl);

struct SpecSettings {
  std::string clauses;             // the clauses file
  std::vector<std::string> cases;  // ids; empty: all
  std::uint64_t seed = 0;          // picks the matrix's extra values
};

// The suite as the loop runs it: the clauses, then the matrix. ValueError for a bad clauses
// file or a --case id that names no case.
class SpecSuite : public harness::Suite {
 public:
  explicit SpecSuite(const SpecSettings& settings);
  std::vector<harness::CaseInfo> cases() const override;
  std::string replay_arguments(const harness::Subject& s, const harness::CaseInfo& c) const override;
  harness::Judged run(harness::Session& session, const harness::CaseInfo& c, harness::Results& results) override;

 private:
  SpecSettings settings_;
  std::vector<SpecCase> cases_;
};

}  // namespace shmcheck::spec
