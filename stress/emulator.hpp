#pragma once
// Emulator artefacts: where an emulator (qemu-user, wine) is known to differ from the machine it
// stands for, a failure says nothing about the implementation. The harness decides this from
// what the driver reports of its platform (hello), never from the driver's word on a verdict.
#include "cases.hpp"

#include <shmcheck/harness/implementation.hpp>
#include <shmcheck/harness/verdict.hpp>

#include <optional>
#include <string>

namespace shmcheck::stress {

// The reason ("emulator: ...") when the failure of case `c` on `d` is the emulator's
// doing, so that the verdict is `unsupported` instead; nullopt when it is the implementation's.
std::optional<std::string> emulator_artefact(const harness::Description& d, const StressCase& c, harness::Verdict v);

}  // namespace shmcheck::stress
