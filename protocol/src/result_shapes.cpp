#include <shmcheck/protocol/driver_text.hpp>
#include <shmcheck/protocol/outcome.hpp>
#include <shmcheck/protocol/result_shapes.hpp>

#include <algorithm>
#include <initializer_list>
#include <string_view>

namespace shmcheck::protocol {

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

namespace {

struct ObservationField {
  std::string_view scenario, field, type;  // type: the schema's ("integer", "array|null"), "$ref:NAME" or ""
  bool required;
};

constexpr ObservationField kObservationFields[] = {
#include "observation_fields.inc"
};

bool has_one_type(const nlohmann::json& j, std::string_view type) {
  if (type == "integer") return j.is_number_integer();
  if (type == "number") return j.is_number();
  if (type == "boolean") return j.is_boolean();
  if (type == "string") return j.is_string();
  if (type == "array" || type == "$ref:worker_exits") return j.is_array();
  if (type == "object" || type == "$ref:error") return j.is_object();
  if (type == "null") return j.is_null();
  if (type == "$ref:item") return is_item(j);
  if (type == "$ref:int_item") return j.is_number_integer() || (j.is_object() && j.contains("int") && is_item(j));
  return true;  // no type, or one this check does not know: the judge's own checks apply
}

bool has_type(const nlohmann::json& j, std::string_view types) {
  for (std::size_t start = 0;;) {  // "integer|null": any of them
    const std::size_t bar = types.find('|', start);
    if (has_one_type(j, types.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start))) return true;
    if (bar == std::string_view::npos) return false;
    start = bar + 1;
  }
}

std::string type_words(std::string_view type) {
  if (type == "$ref:int_item") return "an int item";
  if (type == "$ref:item") return "an item";
  if (type == "$ref:worker_exits") return "a list of worker exits";
  if (type == "$ref:error") return "an error object";
  std::string out(type);
  for (auto& c : out)
    if (c == '|') c = '/';
  return out;
}

bool is_one_of(const std::string& name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The outcomes of a batch or child: each well formed, each result the shape of its request's.
void validate_outcomes(const std::string& name, const nlohmann::json& ops, const nlohmann::json& outcomes) {
  if (!outcomes.is_array()) throw Violation("answers with the wrong schema: '" + name + "' outcomes are not a list");
  if (ops.is_array() && outcomes.size() != ops.size())
    throw Violation("answers with the wrong schema: '" + name + "' of " + std::to_string(ops.size()) + " requests answered " +
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
      throw Violation("answers with the wrong schema: '" + name + "' answered " + excerpt(result.dump(), 200) + " (expected " +
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
  else if (name == "hello") require(result.is_object(), "an object");
  else if (name == "stress") validate_observation(op.value("scenario", ""), result);
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

void validate_observation(const std::string& scenario, const nlohmann::json& observation) {
  if (!observation.is_object())
    throw Violation("answers with the wrong schema: 'stress' answered " + excerpt(observation.dump(), 200) + " (expected an object)");
  const std::string what = "answers with the wrong schema: 'stress' answered a '" + excerpt(scenario, 100) + "' observation ";
  std::string missing, wrong;
  for (const auto& f : kObservationFields) {
    if (f.scenario != scenario) continue;
    const std::string field(f.field);
    if (!observation.contains(field)) {
      if (f.required) missing += (missing.empty() ? "'" : ", '") + field + "'";
    } else if (!has_type(observation.at(field), f.type)) {
      wrong += (wrong.empty() ? "" : "; ") + ("'" + field + "' is " + excerpt(observation.at(field).dump(), 100) + ", not " +
                                              type_words(f.type));
    }
  }
  if (!missing.empty()) throw Violation(what + "that lacks " + missing + " (required)" + (wrong.empty() ? "" : "; " + wrong));
  if (!wrong.empty()) throw Violation(what + "whose " + wrong);
}

}  // namespace shmcheck::protocol
