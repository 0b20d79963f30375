#pragma once
// An implementation that runs inside shmcheck: each protocol operation is a call of `perform`
// (the reference's session, drivers/ref). It has no deadline, no stderr, and cannot be killed
// alone: a scenario that must kill an implementation opens it as an exec: driver instead.
#include <shmcheck/harness/implementation.hpp>

#include <functional>
#include <string>

namespace shmcheck::harness {

class InProcessImplementation : public Implementation {
 public:
  using Perform = std::function<Outcome(const nlohmann::json& op)>;
  // Performs the hello handshake through `perform`; Broken if it is refused or malformed.
  InProcessImplementation(std::string spec, Perform perform);

  const Description& describe() const override { return description_; }
  std::vector<Outcome> run(const nlohmann::json& ops) override;

 private:
  Perform perform_;
  Description description_;
};

}  // namespace shmcheck::harness
