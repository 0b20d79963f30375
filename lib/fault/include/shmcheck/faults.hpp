#pragma once
// The seeded faults of the mutable reference (lib/src/fault.hpp, table in lib/fault/faults.cpp).
// Only code linked against shmcheck_ref_mutable (the shmcheck_mutant driver) has these;
// everything else asks `shmcheck_mutant --list`.
#include <span>
#include <string_view>

namespace shmcheck::mutant {

struct FaultInfo {
  std::string_view name;         // "no_zero_fill": what `shmcheck_mutant NAME` and mutant:NAME take
  std::string_view suite;        // the suite expected to catch it: spec, property, stress, lifetime
  std::string_view description;  // one line: what is broken
};

// Every fault, in the order of the table.
std::span<const FaultInfo> faults() noexcept;
// Selects the one fault of this process (call before anything else runs). False for an
// unknown name; "none" selects no fault.
bool select_fault(std::string_view name) noexcept;

}  // namespace shmcheck::mutant
