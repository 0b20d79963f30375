#include "children.hpp"
#include "request.hpp"

#include <shmcheck/protocol/item_codec.hpp>

#include <algorithm>
#include <thread>

namespace shmcheck::drivers {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

json wait_for(const json& op, const std::function<json(const json&)>& dispatch) {
  json read = {{"op", op.contains("index") ? "get" : "value"}, {"obj", need(op, "obj")}};
  if (op.contains("index")) read["index"] = op.at("index");
  const Item want = protocol::item_from_json(need(op, "item"));
  double seconds = 5.0;
  if (op.contains("timeout") && !op.at("timeout").is_null()) seconds = op.at("timeout").get<double>();
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  for (auto pause = std::chrono::microseconds(20);; pause = std::min(pause * 2, std::chrono::microseconds(2000))) {
    if (protocol::item_from_json(dispatch(read)) == want) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(pause);
  }
}

}  // namespace shmcheck::drivers
