#include "implementation.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
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

namespace {

// An item as the schema allows it (drivers/schema: $defs/item). Deliberately not
// item_from_json: an int past 128 bits is a valid item that shmcheck cannot represent, which
// is a verdict about the value, not a malformed answer.
bool is_item(const nlohmann::json& j) {
  if (j.is_null() || j.is_boolean() || j.is_number()) return true;
  if (!j.is_object() || j.size() != 1 || !j.begin().value().is_string()) return false;
  const std::string& key = j.begin().key();
  const std::string& v = j.begin().value().get_ref<const std::string&>();
  if (key == "str") return true;
  if (key == "float") return v == "inf" || v == "-inf" || v == "nan";
  if (key == "int") {
    const std::size_t start = !v.empty() && v[0] == '-' ? 1 : 0;
    return v.size() > start && std::all_of(v.begin() + static_cast<std::ptrdiff_t>(start), v.end(),
                                           [](char c) { return c >= '0' && c <= '9'; });
  }
  if (key == "bytes") {  // U+0000..U+00FF only: in UTF-8, ASCII or C2/C3 and a continuation
    for (std::size_t i = 0; i < v.size(); ++i) {
      const auto c = static_cast<unsigned char>(v[i]);
      if (c < 0x80) continue;
      if ((c != 0xc2 && c != 0xc3) || ++i >= v.size()) return false;
    }
    return true;
  }
  return false;
}

bool is_one_of(const std::string& name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The outcomes of a batch or child: each well formed, each result the shape of its request's.
void validate_outcomes(const std::string& name, const nlohmann::json& ops, const nlohmann::json& outcomes) {
  if (!outcomes.is_array()) throw Broken("answers with the wrong schema: '" + name + "' outcomes are not a list");
  if (ops.is_array() && outcomes.size() != ops.size())
    throw Broken("answers with the wrong schema: '" + name + "' of " + std::to_string(ops.size()) + " requests answered " +
                 std::to_string(outcomes.size()) + " outcomes");
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const Outcome o = Outcome::from_json(outcomes[i]);
    if (o.ok && ops.is_array()) validate_result(ops[i], o.result);
  }
}

}  // namespace

void validate_result(const nlohmann::json& op, const nlohmann::json& result) {
  const std::string name = op.is_object() && op.contains("op") && op.at("op").is_string() ? op.at("op").get<std::string>() : "";
  auto require = [&](bool ok, const char* expected) {
    if (!ok)
      throw Broken("answers with the wrong schema: '" + name + "' answered " + result.dump().substr(0, 200) + " (expected " +
                   expected + ")");
  };
  const nlohmann::json no_ops;  // child_wait: the requests were in child_start
  if (is_one_of(name, {"get", "value", "raw", "fetch_add"})) require(is_item(result), "an item");
  else if (name == "get_slice")
    require(result.is_array() && std::all_of(result.begin(), result.end(), is_item), "a list of items");
  else if (is_one_of(name, {"len", "nbytes", "owner_deaths"})) require(result.is_number_integer(), "an int");
  else if (is_one_of(name, {"acquire", "wait_for"})) require(result.is_boolean(), "a bool");
  else if (is_one_of(name, {"create", "get_obj", "copy", "synchronized", "child_start"}))
    require(result.is_string() && !result.get_ref<const std::string&>().empty(), "a handle: a non-empty string");
  else if (is_one_of(name, {"set", "set_slice", "set_value", "set_raw", "drop", "release", "bye"}))
    require(result.is_null(), "null");
  else if (is_one_of(name, {"hello", "stress"})) require(result.is_object(), "an object");
  else if (name == "batch") validate_outcomes(name, op.value("ops", no_ops), result);
  else if (is_one_of(name, {"child", "child_wait"})) {
    const bool exit_ok = result.is_object() && result.contains("exit") && result.at("exit").is_object() &&
                         result.at("exit").size() == 1 &&
                         (result.at("exit").contains("code") || result.at("exit").contains("signal")) &&
                         result.at("exit").begin().value().is_number_integer();
    require(exit_ok && result.contains("outcomes"), "{\"outcomes\": [...], \"exit\": {\"code\"|\"signal\": N}}");
    validate_outcomes(name, name == "child" ? op.value("ops", no_ops) : no_ops, result.at("outcomes"));
  }
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
