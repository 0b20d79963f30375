// Children on Windows: the protocol's children (`child`, `child_start`) are forked processes
// that share the session's objects, and Windows has no fork. The hello says child and
// async_child false, so the harness does not ask; a request that comes anyway is unsupported.
#include "../children.hpp"
#include "../request.hpp"

namespace shmcheck::drivers {

namespace {
[[noreturn]] void no_fork() {
  throw Unsupported("children are forked processes sharing the session's objects: Windows has no fork");
}
}  // namespace

Children::~Children() = default;
nlohmann::json Children::run(const nlohmann::json&, const Perform&) { no_fork(); }
std::string Children::start(const nlohmann::json&, const Perform&) { no_fork(); }
nlohmann::json Children::wait(const std::string& handle) {
  throw ProtocolError("child_wait: no running child '" + handle + "'");
}

}  // namespace shmcheck::drivers
