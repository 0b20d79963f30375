#pragma once
// The stress scenarios of the C++ drivers (stress/SCENARIOS.md), written once, so that ref,
// boost and every mutant run the same workers through their own objects. The parent creates
// objects with protocol operations, forks workers that access them (access.hpp: through the
// library where the session offers it, else through protocol operations), and reports what
// the workers saw.
#include <shmcheck/protocol/outcome.hpp>

#include <functional>
#include <memory>
#include <string>

namespace shmcheck::drivers::scenarios {

class Access;  // access.hpp

struct Session {
  // Performs one protocol operation on the implementation's session.
  std::function<protocol::Outcome(const nlohmann::json&)> perform;
  // lifetime-exec: starts a process by exec that attaches to the object `handle` and answers
  // what it read (a list of items); empty when the implementation cannot (unsupported).
  std::function<nlohmann::json(const std::string& handle)> exec_read;
  // owner-death where there is no fork (Windows): starts a process by exec that attaches to
  // `handle`, takes its lock, sets its value to 1 and says so; returns once it holds the lock,
  // with a function that kills it (as abruptly as SIGKILL) and waits for its end. Empty where
  // the scenario forks its owner instead.
  std::function<std::function<void()>(const std::string& handle)> exec_hold;
  // The object `handle` itself, for the workers' accesses (access.hpp); empty: through perform.
  std::function<std::unique_ptr<Access>(const std::string& handle)> access;
};

// Runs op["scenario"] with op["params"]; Unsupported (request.hpp) for a scenario or mode the
// implementation lacks.
nlohmann::json run_scenario(const nlohmann::json& op, const Session& session);

// The scenarios, one file each.
nlohmann::json counter(const nlohmann::json& params, const Session& s);
nlohmann::json torn(const nlohmann::json& params, const Session& s);
nlohmann::json ring(const nlohmann::json& params, const Session& s);
nlohmann::json owner_death(const nlohmann::json& params, const Session& s);
nlohmann::json lifetime(const std::string& which, const nlohmann::json& params, const Session& s);
// lifetime-outlive: its creator forks the child that outlives it (posix/outlive.cpp).
nlohmann::json lifetime_outlive(const nlohmann::json& params, const Session& s);

// Performs `op` and returns its result; a failed outcome throws ScenarioError.
nlohmann::json must(const Session& s, const nlohmann::json& op);
struct ScenarioError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// A fresh handle name for this session's scenario objects.
std::string scratch_handle(const char* what);
// params.timeout (seconds), bounded, as a deadline from now.
std::chrono::steady_clock::time_point deadline_of(const nlohmann::json& params, double default_seconds);

}  // namespace shmcheck::drivers::scenarios
