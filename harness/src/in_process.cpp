#include <shmcheck/harness/in_process.hpp>

namespace shmcheck::harness {

InProcessImplementation::InProcessImplementation(std::string spec, Perform perform) : perform_(std::move(perform)) {
  const Outcome hello = perform_({{"op", "hello"}, {"protocol", 1}});
  if (!hello.ok) throw Broken(spec + ": handshake refused: " + hello.kind + ": " + hello.message);
  try {
    description_ = Description::from_hello(spec, hello.result);
  } catch (const nlohmann::json::exception& e) {
    throw Broken(spec + ": malformed hello: " + e.what());
  }
}

std::vector<Outcome> InProcessImplementation::run(const nlohmann::json& ops) {
  std::vector<Outcome> out;
  out.reserve(ops.size());
  for (const auto& op : ops) out.push_back(perform_(op));
  return out;
}

}  // namespace shmcheck::harness
