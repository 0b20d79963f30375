// shmcheck driver ref: serves the reference implementation over the driver protocol on
// stdin/stdout, so that it can be checked as an exec: driver like any other.
#include "commands.hpp"

#include "drivers/common/serve.hpp"
#include "drivers/ref/ref_session.hpp"

#include <memory>
#include <string>

namespace shmcheck::cli {
namespace {

int serve_ref() {
  drivers::RefSession ref;
  return drivers::serve([&](const nlohmann::json& op) { return ref.perform(op); });
}

}  // namespace

void add_driver(CLI::App& app, int& status) {
  auto* driver = app.add_subcommand("driver", "Serve an implementation over the driver protocol (protocol/PROTOCOL.md) on stdin/stdout");
  driver->require_subcommand(1);
  auto* ref = driver->add_subcommand("ref", "Serve the reference implementation");
  ref->callback([&status] { status = serve_ref(); });
  // The exec'ed child of the reference's lifetime-exec scenario (not for people).
  auto handle = std::make_shared<std::string>();
  auto* reader = driver->add_subcommand("attach-read", "Attach to an exported reference object and print its elements (internal)");
  reader->add_option("handle", *handle, "The handle's text")->required();
  reader->group("");
  reader->callback([&status, handle] { status = drivers::attach_read_main(*handle); });
}

}  // namespace shmcheck::cli
