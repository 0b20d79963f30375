// shmcheck driver ref: serves the reference implementation over the driver protocol on
// stdin/stdout, so that it can be checked as an exec: driver like any other.
#include "cli/commands.hpp"
#include "ref/ref_implementation.hpp"

#include <iostream>
#include <string>

namespace shmcheck::cli {
namespace {

int serve_ref() {
  drivers::RefImplementation ref;
  std::ios::sync_with_stdio(false);
  for (std::string line; std::getline(std::cin, line);) {
    nlohmann::json req = nlohmann::json::parse(line, nullptr, false);
    nlohmann::json resp;
    if (req.is_discarded() || !req.is_object()) {
      resp = {{"id", nullptr}, {"ok", false},
              {"error", {{"kind", "other"}, {"type", "ProtocolError"}, {"message", "not a JSON object: " + line.substr(0, 200)}}}};
    } else {
      const nlohmann::json id = req.contains("id") ? req["id"] : nlohmann::json();
      req.erase("id");
      resp = ref.perform(req).to_json();
      resp["id"] = id;
      if (req.value("op", "") == "bye") {
        std::cout << resp.dump() << "\n" << std::flush;
        return ok;
      }
    }
    std::cout << resp.dump() << "\n" << std::flush;
  }
  return ok;
}

}  // namespace

void add_driver(CLI::App& app, int& status) {
  auto* driver = app.add_subcommand("driver", "Serve an implementation over the driver protocol (drivers/PROTOCOL.md) on stdin/stdout");
  driver->require_subcommand(1);
  auto* ref = driver->add_subcommand("ref", "Serve the reference implementation");
  ref->callback([&status] { status = serve_ref(); });
}

}  // namespace shmcheck::cli
