#pragma once
// Child processes of the C++ drivers (PROTOCOL.md §4.4): `child` runs a list of requests in a
// forked child and waits for it; `child_start` forks one that runs while the parent goes on,
// and `child_wait` collects it. Every child is bounded by a deadline: past it the child is
// SIGKILLed and its unanswered requests get outcomes of kind `timeout`. A child that dies
// gets `crashed` for the requests it did not answer. Nothing outlives the Children object.
#include <shmcheck/protocol/outcome.hpp>

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>

namespace shmcheck::drivers {

class Children {
 public:
  using Perform = std::function<protocol::Outcome(const nlohmann::json&)>;
  // The default deadline of a child (the request's "timeout" replaces it); it stays below
  // shmcheck's default request deadline of 10 s, as the protocol asks.
  static constexpr double default_timeout_s = 8.0;

  Children() = default;
  Children(const Children&) = delete;
  Children& operator=(const Children&) = delete;
  ~Children();  // kills and reaps every child still running

  // `child`: start, then wait. Returns {"outcomes": [...], "exit": {...}}.
  nlohmann::json run(const nlohmann::json& op, const Perform& perform);
  // `child_start`: the new child's handle (op["as"] or a fresh one).
  std::string start(const nlohmann::json& op, const Perform& perform);
  // `child_wait`: the outcomes of the child `handle`; ProtocolError for an unknown handle.
  nlohmann::json wait(const std::string& handle);

 private:
  struct Running {
    pid_t pid;
    int fd;  // read end of the outcome pipe
    std::size_t count;
    std::chrono::steady_clock::time_point deadline;
  };
  Running fork_child(const nlohmann::json& op, const Perform& perform);
  static nlohmann::json collect(Running r);

  std::map<std::string, Running> running_;
  unsigned next_ = 0;
  bool in_child_ = false;  // a child does not start children of its own
};

// `wait_for`: reads op["obj"] (element op["index"], or its value without an index) through
// `dispatch` until it equals op["item"] (true) or op["timeout"] seconds pass (false, default
// 5 s). It orders a child after its parent's writes without holding a lock.
nlohmann::json wait_for(const nlohmann::json& op, const std::function<nlohmann::json(const nlohmann::json&)>& dispatch);

}  // namespace shmcheck::drivers
