#pragma once
// What a driver says of itself in its hello (PROTOCOL.md §4.1): name, version, platform and
// capabilities, and the spec it was started by.
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace shmcheck::protocol {

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
  std::string spec;      // how it was named on the command line: "ref", "python:/usr/bin/pypy3+billiard"
  std::string name;      // what it says it is: "cpython", "pypy", "shmcheck-ref"
  std::string version;   // its own version: "3.11.7", PyPy's "7.3.11"
  // Optional in the hello (null when absent): the language it implements, {"name": "python",
  // "version": "3.9.16"}, and the module under test, {"name": "billiard", "version": "4.1.0"}.
  nlohmann::json language;
  nlohmann::json module;
  nlohmann::json platform;
  Capabilities capabilities;
  // Not the driver's to say: the ABI shmcheck ran it as (an executed ABI of
  // audit/data/abis.json, "linux-armhf"), set by the command line; empty when unknown.
  std::string abi;
  // From a hello result; json exceptions when it is malformed.
  static Description from_hello(const std::string& spec, const nlohmann::json& hello);
  // What it is, for people: "cpython 3.11.7", "pypy 7.3.11 (python 3.9.16) + billiard 4.1.0"
  // (the standard module goes unsaid).
  std::string label() const;
  // As results.json's implementations[] entry and `shmcheck list impls --json` show it.
  nlohmann::json to_json() const;
};

}  // namespace shmcheck::protocol
