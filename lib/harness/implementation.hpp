#pragma once
// Implementation: the one seam between shmcheck and whatever it checks. Every suite talks to
// the reference, CPython, Boost, a mutant or an exec: driver through this, and only this.
//
// Operations are the driver protocol's (drivers/PROTOCOL.md): JSON objects such as
// {"op": "get", "obj": "a", "index": 3}. An Implementation performs them and reports what
// happened, one Outcome per operation; it never judges. Errors of the implementation are
// outcomes (observations); a broken implementation (crashed, hung, spoke garbage) throws
// Broken, and the harness gives the verdict `broken`.
#include <shmcheck/error.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace shmcheck::harness {

struct Capabilities {
  std::string typecodes;                      // e.g. "cubBhHiIlLqQfd"
  std::map<char, std::pair<int, int>> sizes;  // typecode -> (size, alignment)
  bool robust_lock = false;                   // recovers a lock whose owner died
  bool atomic_ops = false;                    // lock-free fetch_add
  bool child = false;                         // can run operations in a child process
  bool async_child = false;                   // child_start / child_wait / wait_for
  std::vector<std::string> start_methods;     // fork, spawn, forkserver, exec
  std::vector<std::string> scenarios;         // stress scenarios it runs itself
};

struct Description {
  std::string spec;      // how it was named on the command line: "ref", "cpython:/usr/bin/python3.11"
  std::string name;      // what it says it is: "cpython"
  std::string version;   // "3.11.7"
  nlohmann::json platform;
  Capabilities capabilities;
  // From a hello result (PROTOCOL.md §4.1); json exceptions when it is malformed.
  static Description from_hello(const std::string& spec, const nlohmann::json& hello);
};

// One operation's observation: a result, or an error with the implementation's own words.
struct Outcome {
  bool ok = true;
  nlohmann::json result;
  std::string kind;     // error kind (protocol vocabulary) when !ok
  std::string type;     // the implementation's name for the error, e.g. "IndexError"
  std::string message;
  static Outcome from_json(const nlohmann::json& j);  // throws Broken when malformed
  nlohmann::json to_json() const;
};

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

// index_error ... other: the error kinds drivers may report (drivers/PROTOCOL.md §2).
bool is_error_kind(const std::string& kind);

// Checks the shape of a successful result against what `op` (a request) answers
// (drivers/PROTOCOL.md §4): an item for get, a list of items for get_slice, an int for len, a
// bool for acquire, a handle for create..., recursively through batch and child outcomes.
// A result of the wrong shape is not an observation to judge: it throws Broken ("answers with
// the wrong schema"). Ops it does not know are not checked.
void validate_result(const nlohmann::json& op, const nlohmann::json& result);

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
  // Kills every process of the implementation at once, as a crash would (SIGKILL of its
  // process group); false when it runs inside shmcheck and cannot be killed alone.
  virtual bool kill_now() { return false; }
  // The process group kill_now() kills (0 when there is none).
  virtual int process_group() const { return 0; }
};

}  // namespace shmcheck::harness
