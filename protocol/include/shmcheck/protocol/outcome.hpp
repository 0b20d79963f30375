#pragma once
// One operation's observation in the driver protocol (PROTOCOL.md §2): a result, or an error
// in the implementation's own words. An outcome is never a verdict: shmcheck judges it.
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

namespace shmcheck::protocol {

// An answer the protocol does not allow: a malformed outcome, an unknown error kind, a result
// of the wrong shape. The harness calls the driver that gave it broken.
class Violation : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Outcome {
  bool ok = true;
  nlohmann::json result;
  std::string kind;     // the error kind (error_kinds.hpp) when !ok
  std::string type;     // the implementation's name for the error, e.g. "IndexError"
  std::string message;
  static Outcome from_json(const nlohmann::json& j);  // Violation when malformed
  nlohmann::json to_json() const;
};

}  // namespace shmcheck::protocol
