#pragma once
// The spec suite: CPython's single-object clauses as data (clauses.json) plus the generated
// typecode x shape x lock matrix, run against any implementation.
#include "implementation.hpp"
#include "verdict.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace shmcheck::harness {

struct SpecCase {
  std::string id;
  std::string source;
  std::string platform;  // "" for any, "lp64" where the clause needs 8-byte long
  nlohmann::json steps;
};

// The cases of a clauses file (ValueError naming the file and the bad case when malformed).
std::vector<SpecCase> load_clauses(const std::string& path);
// The typecode x {value, array} x {lock, raw} matrix: zero fill, extremes round trip, and
// wrap-around one past each end, with expectations derived from the platform's limits.
// `seed` picks the extra in-range values each cell also round-trips.
std::vector<SpecCase> generate_matrix(std::uint64_t seed);

// Runs one case against an implementation, as one batch of operations.
CaseResult run_spec_case(const SpecCase& c, Implementation& impl);

}  // namespace shmcheck::harness
