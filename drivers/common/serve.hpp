#pragma once
// The driver side of the protocol: reads requests from stdin, answers on stdout, one line
// each, until bye or end of input. Every C++ driver (ref, mutants, Boost) serves with this.
#include <shmcheck/protocol/outcome.hpp>

#include <functional>

namespace shmcheck::drivers {

// `perform` runs one operation (without its id) and returns its outcome; serve adds the id.
// Returns the process exit status (0).
int serve(const std::function<protocol::Outcome(const nlohmann::json&)>& perform);

}  // namespace shmcheck::drivers
