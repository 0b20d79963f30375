#pragma once
// The reference implementation as a driver session: protocol operations performed on
// shmcheck::Object directly. `shmcheck driver ref` serves it over stdin/stdout (an exec:
// driver like any other); the command line also runs it inside shmcheck as `ref`, through the
// harness's in-process adapter; the mutant driver serves it built against the mutable core.
#include "drivers/common/children.hpp"

#include <shmcheck/object.hpp>
#include <shmcheck/protocol/outcome.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace shmcheck::drivers {

class RefSession {
 public:
  RefSession() = default;
  RefSession(const RefSession&) = delete;
  RefSession& operator=(const RefSession&) = delete;

  // Performs one operation (without its "id").
  protocol::Outcome perform(const nlohmann::json& op);

  // The command that attaches to an exported object and prints its elements as JSON (the
  // exec'ed child of the lifetime-exec scenario); the handle's text is appended. The
  // default runs this program as `driver attach-read`; the mutant driver sets its own.
  static std::vector<std::string> attach_reader;

 private:
  nlohmann::json dispatch(const nlohmann::json& op);
  Object& object(const nlohmann::json& op);
  nlohmann::json exec_read(const std::string& handle);
  std::function<void()> exec_hold(const std::string& handle);  // Windows only (platform.cpp)
  std::string bind(const nlohmann::json& op, Object obj);

  std::map<std::string, Object> objects_;
  unsigned next_handle_ = 0;
  Children children_;  // after objects_: children die before the objects they share
};

// The hello result of the reference.
nlohmann::json ref_hello();

// The attach_reader's body: attaches to the object named by `handle_text` and prints its
// elements as one JSON list on stdout. Returns the exit status. Given "hold " and a handle
// (owner-death without fork), it takes the object's lock instead, sets its value to 1, prints
// "held" and waits to be killed.
int attach_read_main(const std::string& handle_text);

}  // namespace shmcheck::drivers
