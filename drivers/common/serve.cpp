#include "serve.hpp"

#include <shmcheck/protocol/driver_text.hpp>
#include <shmcheck/protocol/item_codec.hpp>

#include <iostream>
#include <string>

namespace shmcheck::drivers {

int serve(const std::function<protocol::Outcome(const nlohmann::json&)>& perform) {
  std::ios::sync_with_stdio(false);
  for (std::string line; std::getline(std::cin, line);) {
    if (line.empty()) continue;
    // Big ints stay ints (a bare 2**64 from Python's json would otherwise be a float).
    nlohmann::json req = protocol::parse_message(line);
    nlohmann::json resp;
    bool bye = false;
    if (req.is_discarded() || !req.is_object()) {
      resp = {{"ok", false},
              {"error", {{"kind", "other"}, {"type", "ProtocolError"}, {"message", "not a JSON object: " + protocol::excerpt(line, 200)}}}};
      resp["id"] = nullptr;
    } else {
      const nlohmann::json id = req.contains("id") ? req["id"] : nlohmann::json();
      req.erase("id");
      bye = req.value("op", "") == "bye";
      resp = perform(req).to_json();
      resp["id"] = id;
    }
    std::cout << resp.dump() << "\n" << std::flush;
    if (bye) return 0;
  }
  return 0;
}

}  // namespace shmcheck::drivers
