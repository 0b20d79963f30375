#include "scenarios.hpp"

#include "drivers/common/request.hpp"
#include "workers.hpp"

#include <atomic>

namespace shmcheck::drivers::scenarios {

using nlohmann::json;

json must(const Session& s, const json& op) {
  const protocol::Outcome o = s.perform(op);
  if (!o.ok) {
    if (o.kind == "unsupported") throw Unsupported(o.message);
    throw ScenarioError(op.value("op", "?") + " failed: " + o.kind + " (" + o.type + "): " + o.message);
  }
  return o.result;
}

std::string scratch_handle(const char* what) {
  static std::atomic<unsigned> next{0};
  return std::string("__stress_") + what + "_" + std::to_string(process_id()) + "_" + std::to_string(++next);
}

std::chrono::steady_clock::time_point deadline_of(const json& params, double default_seconds) {
  double s = params.value("timeout", default_seconds);
  if (!(s > 0 && s <= 3600)) throw ProtocolError("stress: timeout must be in (0, 3600] seconds");
  return std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

json run_scenario(const json& op, const Session& session) {
  const std::string name = need(op, "scenario").get<std::string>();
  const json params = op.value("params", json::object());
  if (!params.is_object()) throw ProtocolError("stress: params must be an object");
  if (name == "counter") return counter(params, session);
  if (name == "torn") return torn(params, session);
  if (name == "ring") return ring(params, session);
  if (name == "owner-death") return owner_death(params, session);
  if (name.rfind("lifetime-", 0) == 0) return lifetime(name, params, session);
  throw Unsupported("no stress scenario '" + name + "'");
}

}  // namespace shmcheck::drivers::scenarios
