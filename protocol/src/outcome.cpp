#include <shmcheck/protocol/driver_text.hpp>
#include <shmcheck/protocol/error_kinds.hpp>
#include <shmcheck/protocol/outcome.hpp>

namespace shmcheck::protocol {

Outcome Outcome::from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("ok") || !j.at("ok").is_boolean())
    throw Violation("an outcome must be an object with a boolean 'ok': " + excerpt(j.dump(), 300));
  Outcome o;
  o.ok = j.at("ok").get<bool>();
  if (o.ok) {
    if (!j.contains("result")) throw Violation("a successful outcome has no 'result': " + excerpt(j.dump(), 300));
    o.result = j.at("result");
    return o;
  }
  const auto& e = j.contains("error") ? j.at("error") : nlohmann::json();
  if (!e.is_object() || !e.contains("kind") || !e.at("kind").is_string() || !e.contains("message") ||
      !e.at("message").is_string())
    throw Violation("a failed outcome needs an 'error' with 'kind' and 'message': " + excerpt(j.dump(), 300));
  o.kind = e.at("kind").get<std::string>();
  if (!is_error_kind(o.kind)) throw Violation("error kind '" + excerpt(o.kind, 100) + "' is not in the protocol's vocabulary");
  o.type = e.value("type", "");
  o.message = e.at("message").get<std::string>();
  return o;
}

nlohmann::json Outcome::to_json() const {
  if (ok) return {{"ok", true}, {"result", result}};
  return {{"ok", false}, {"error", {{"kind", kind}, {"type", type}, {"message", message}}}};
}

}  // namespace shmcheck::protocol
