#pragma once
// Builders of protocol operations (protocol/PROTOCOL.md §4) for the property generators, so
// that a property reads as the sequence of operations it tries.
#include "generators.hpp"
#include "property.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace shmcheck::properties::ops {

using nlohmann::json;

// create: an array from a size (int) or an initializer (list), or a value (init item or null).
inline json array(const std::string& as, char tc, const json& lock, const json& size_or_init) {
  json o = {{"op", "create"}, {"shape", "array"}, {"tc", std::string(1, tc)}, {"lock", lock}, {"as", as}};
  o[size_or_init.is_array() ? "init" : "size"] = size_or_init;
  return o;
}
inline json value(const std::string& as, char tc, const json& lock, const json& init = nullptr) {
  json o = {{"op", "create"}, {"shape", "value"}, {"tc", std::string(1, tc)}, {"lock", lock}, {"as", as}};
  if (!init.is_null()) o["init"] = init;
  return o;
}
inline json shared_with(const std::string& handle) { return {{"shared_with", handle}}; }

// Any other operation: op("get", {{"obj", "a"}, {"index", 3}}).
inline json op(const char* name, json fields = json::object()) {
  fields["op"] = name;
  return fields;
}
inline json on(const char* name, const std::string& obj, json fields = json::object()) {
  fields["obj"] = obj;
  return op(name, std::move(fields));
}
inline json whole() { return json::array({nullptr, nullptr, nullptr}); }
inline json read_all(const std::string& obj) { return on("get_slice", obj, {{"slice", whole()}}); }
inline json drop(const std::string& obj) { return on("drop", obj); }
// The implementation reclaims what it can now (a garbage collector's deferred frees).
inline json collect() { return op("collect"); }
// Children get 3 s (not the drivers' 8): a property's child does a few operations, and a
// child that waits on a lock it should have got costs this much per shrinking step.
constexpr double child_seconds = 3.0;
inline json child(json ops_list) { return op("child", {{"ops", std::move(ops_list)}, {"timeout", child_seconds}}); }
inline json child_start(const std::string& as, json ops_list) {
  return op("child_start", {{"as", as}, {"ops", std::move(ops_list)}, {"timeout", child_seconds}});
}
// Acquire without waiting, or waiting at most `seconds`.
inline json try_acquire(const std::string& obj) { return on("acquire", obj, {{"blocking", false}}); }
inline json timed_acquire(const std::string& obj, double seconds) { return on("acquire", obj, {{"timeout", seconds}}); }

// A property's generator from a body that draws what it needs with *gen (rc::gen::exec).
template <class F>
std::function<rc::Gen<Case>(const harness::Capabilities&)> cases(F body) {
  return [body](const harness::Capabilities& caps) { return rc::gen::exec([body, caps] { return body(caps); }); };
}

// n generated items that a store into tc accepts.
inline json storable_items(char tc, const harness::Capabilities& caps, int n) {
  return *rc::gen::container<std::vector<json>>(static_cast<std::size_t>(n), gen::storable(tc, caps));
}

}  // namespace shmcheck::properties::ops
