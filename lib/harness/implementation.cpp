#include "implementation.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace shmcheck::harness {

// The protocol's error kinds: shmcheck's ErrorKind names plus the two only drivers report.
bool is_error_kind(const std::string& kind) {
  static constexpr std::array<std::string_view, 12> kinds{
      "index_error", "type_error", "value_error", "overflow_error", "attribute_error", "runtime_error",
      "assertion_error", "os_error", "timeout", "crashed", "unsupported", "other"};
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

std::string reason_with_stderr(const Broken& e) {
  constexpr std::size_t kShown = 2000;  // enough for a traceback's end, short enough to read
  const std::string& t = e.tail();
  if (t.empty()) return e.what();
  return std::string(e.what()) + "\n  stderr (last " + std::to_string(std::min(t.size(), kShown)) + " bytes):\n" +
         t.substr(t.size() > kShown ? t.size() - kShown : 0);
}

Outcome Outcome::from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("ok") || !j.at("ok").is_boolean())
    throw Broken("an outcome must be an object with a boolean 'ok': " + j.dump().substr(0, 300));
  Outcome o;
  o.ok = j.at("ok").get<bool>();
  if (o.ok) {
    if (!j.contains("result")) throw Broken("a successful outcome has no 'result': " + j.dump().substr(0, 300));
    o.result = j.at("result");
    return o;
  }
  const auto& e = j.contains("error") ? j.at("error") : nlohmann::json();
  if (!e.is_object() || !e.contains("kind") || !e.at("kind").is_string() || !e.contains("message") ||
      !e.at("message").is_string())
    throw Broken("a failed outcome needs an 'error' with 'kind' and 'message': " + j.dump().substr(0, 300));
  o.kind = e.at("kind").get<std::string>();
  if (!is_error_kind(o.kind)) throw Broken("error kind '" + o.kind + "' is not in the protocol's vocabulary");
  o.type = e.value("type", "");
  o.message = e.at("message").get<std::string>();
  return o;
}

nlohmann::json Outcome::to_json() const {
  if (ok) return {{"ok", true}, {"result", result}};
  return {{"ok", false}, {"error", {{"kind", kind}, {"type", type}, {"message", message}}}};
}

Description Description::from_hello(const std::string& spec, const nlohmann::json& h) {
  Description d;
  d.spec = spec;
  d.name = h.at("name").get<std::string>();
  d.version = h.at("version").get<std::string>();
  d.platform = h.at("platform");
  const nlohmann::json& c = h.at("capabilities");
  auto& caps = d.capabilities;
  caps.typecodes = c.at("typecodes").get<std::string>();
  if (c.contains("sizes"))
    for (const auto& [code, sz] : c.at("sizes").items())
      if (code.size() == 1) caps.sizes[code[0]] = {sz.at(0).get<int>(), sz.at(1).get<int>()};
  caps.robust_lock = c.value("robust_lock", false);
  caps.atomic_ops = c.value("atomic_ops", false);
  caps.child = c.value("child", false);
  caps.async_child = c.value("async_child", false);
  caps.start_methods = c.value("start_methods", std::vector<std::string>{});
  caps.scenarios = c.value("scenarios", std::vector<std::string>{});
  return d;
}

}  // namespace shmcheck::harness
