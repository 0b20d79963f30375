#pragma once
// Implementation: the one seam between shmcheck and whatever it checks. Every suite talks to
// the reference, CPython, Boost, a mutant or an exec: driver through this, and only this.
//
// Operations are the driver protocol's (protocol/PROTOCOL.md): JSON objects such as
// {"op": "get", "obj": "a", "index": 3}. An Implementation performs them and reports what
// happened, one Outcome per operation; it never judges. Errors of the implementation are
// outcomes (observations); a broken implementation (crashed, hung, spoke garbage) throws
// Broken, and the harness gives the verdict `broken`.
#include <shmcheck/protocol/hello.hpp>
#include <shmcheck/protocol/outcome.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace shmcheck::harness {

using protocol::Capabilities;
using protocol::Description;
using protocol::Outcome;

// The implementation could not be run or stopped speaking the protocol; `tail` is the last
// of its diagnostics (stderr).
class Broken : public std::runtime_error {
 public:
  Broken(const std::string& reason, std::string tail = "") : std::runtime_error(reason), tail_(std::move(tail)) {}
  const std::string& tail() const noexcept { return tail_; }

 private:
  std::string tail_;
};

// The reason with the last of the implementation's stderr, for a verdict or a listing.
std::string reason_with_stderr(const Broken& e);

class Implementation {
 public:
  virtual ~Implementation() = default;
  virtual const Description& describe() const = 0;
  // Performs `ops` (a JSON array of operations) in order, one Outcome each; an error in one
  // does not stop the rest. Handles named with "as" live until the implementation goes.
  virtual std::vector<Outcome> run(const nlohmann::json& ops) = 0;
  // One operation.
  Outcome run_one(const nlohmann::json& op) { return run(nlohmann::json::array({op})).at(0); }
  // The deadline of each request from now on (a stress scenario runs for longer than an
  // ordinary request may); in-process implementations have none.
  virtual void set_timeout(std::chrono::milliseconds) {}
  virtual std::chrono::milliseconds timeout() const { return std::chrono::milliseconds::zero(); }
  // Kills every process of the implementation at once, as a crash would (SIGKILL of its
  // process group); false when it runs inside shmcheck and cannot be killed alone.
  virtual bool kill_now() { return false; }
  // The process group kill_now() kills (0 when there is none).
  virtual int process_group() const { return 0; }
  // Stops it (politely, then for good) and returns the /dev/shm names it was given and left,
  // which stopping removed. Nothing is left running afterwards.
  virtual std::vector<std::string> stop() { return {}; }
  // The /dev/shm names known to be its own now: everything in its private /dev/shm when it
  // runs in namespaces of its own (still there after it died, until it is destroyed);
  // otherwise those named with its prefix and those its live processes hold. nullopt when it
  // cannot tell (it runs inside shmcheck).
  virtual std::optional<std::vector<std::string>> own_dev_shm() const { return std::nullopt; }
  // How it is kept apart from the machine, in words for the results.
  virtual std::string isolation() const { return "none: it runs inside shmcheck"; }
};

}  // namespace shmcheck::harness
