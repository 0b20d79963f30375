#pragma once
// The reference implementation, in process, behind the Implementation interface: protocol
// operations are performed on shmcheck::Object directly. `shmcheck driver ref` serves the
// same thing over stdin/stdout, so the reference is also an exec: driver.
#include "children.hpp"
#include "implementation.hpp"

#include <shmcheck/object.hpp>

#include <map>
#include <string>
#include <vector>
#include <memory>

namespace shmcheck::drivers {

class RefImplementation : public harness::Implementation {
 public:
  RefImplementation();
  const harness::Description& describe() const override { return description_; }
  std::vector<harness::Outcome> run(const nlohmann::json& ops) override;

  // Performs one operation (no "id"); used by run() and by the stdin/stdout server.
  harness::Outcome perform(const nlohmann::json& op);

  // The command that attaches to an exported object and prints its elements as JSON (the
  // exec'ed child of the lifetime-exec scenario); the handle's text is appended. The
  // default runs this program as `driver attach-read`; the mutant driver sets its own.
  static std::vector<std::string> attach_reader;

 private:
  nlohmann::json dispatch(const nlohmann::json& op);
  Object& object(const nlohmann::json& op);
  nlohmann::json exec_read(const std::string& handle);
  std::string bind(const nlohmann::json& op, Object obj);

  harness::Description description_;
  std::map<std::string, Object> objects_;
  unsigned next_handle_ = 0;
  Children children_;  // after objects_: children die before the objects they share
};

// The hello result of the reference (also what `shmcheck driver ref` answers).
nlohmann::json ref_hello();

// The attach_reader's body: attaches to the object named by `handle_text` and prints its
// elements as one JSON list on stdout. Returns the exit status.
int attach_read_main(const std::string& handle_text);

}  // namespace shmcheck::drivers
