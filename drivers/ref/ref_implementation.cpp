#include "ref_implementation.hpp"

#include "item_json.hpp"
#include "children.hpp"
#include "request.hpp"

#include <shmcheck/typecode.hpp>
#include <shmcheck/version.hpp>

#include <sys/utsname.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace shmcheck::drivers {

using harness::Outcome;
using nlohmann::json;

json ref_hello() {
  utsname u{};
  uname(&u);
  json sizes = json::object();
  for (const Typecode& tc : typecodes()) sizes[std::string(1, tc.code)] = {tc.size, tc.align};
  return {{"protocol", 1},
          {"name", "shmcheck-ref"},
          {"version", version},
          {"platform", {{"os", "linux"}, {"machine", u.machine}, {"detail", std::string(u.sysname) + " " + u.release}}},
          {"capabilities",
           {{"typecodes", std::string(typecode_letters())},
            {"sizes", sizes},
            {"robust_lock", true},
            {"atomic_ops", true},
            {"child", true},
            {"async_child", true},
            {"start_methods", {"fork"}},
            {"scenarios", json::array()}}}};
}

RefImplementation::RefImplementation() : description_(harness::Description::from_hello("ref", ref_hello())) {}

std::vector<Outcome> RefImplementation::run(const json& ops) {
  std::vector<Outcome> out;
  for (const auto& op : ops) out.push_back(perform(op));
  return out;
}

Outcome RefImplementation::perform(const json& op) {
  return outcome_of([&] { return dispatch(op); });
}

Object& RefImplementation::object(const json& op) {
  const std::string name = need(op, "obj").get<std::string>();
  auto it = objects_.find(name);
  if (it == objects_.end()) throw ProtocolError("no object with handle '" + name + "'");
  return it->second;
}

std::string RefImplementation::bind(const json& op, Object obj) {
  const std::string name = op.contains("as") ? op.at("as").get<std::string>() : "h" + std::to_string(++next_handle_);
  objects_.insert_or_assign(name, std::move(obj));
  return name;
}

json RefImplementation::dispatch(const json& op) {
  const std::string name = need(op, "op").get<std::string>();
  if (name == "hello") return ref_hello();
  if (name == "bye") return nullptr;
  if (name == "batch") return run_batch(op, [this](const json& o) { return perform(o); });
  if (name == "child") return children_.run(op, [this](const json& o) { return perform(o); });
  if (name == "child_start") return children_.start(op, [this](const json& o) { return perform(o); });
  if (name == "child_wait") return children_.wait(need(op, "obj").get<std::string>());
  if (name == "wait_for") return wait_for(op, [this](const json& o) { return dispatch(o); });
  if (name == "stress") stress_without_scenarios(op);  // before object(): stress names none
  if (name == "create") {
    const char tc = typecode_arg(op);
    const json lock = op.value("lock", json("own"));
    LockPolicy policy = LockPolicy::own();
    if (lock == "none") policy = LockPolicy::none();
    else if (lock.is_object()) policy = LockPolicy::shared(object(json{{"obj", lock.at("shared_with")}}).get_lock());
    else if (lock != "own") throw ProtocolError("unknown lock " + lock.dump());
    const std::string shape = need(op, "shape").get<std::string>();
    if (shape == "value")
      return bind(op, make_value(tc, op.contains("init") ? harness::item_from_json(op.at("init")) : Item(), policy));
    if (shape != "array") throw ProtocolError("unknown shape '" + shape + "'");
    if (op.contains("init")) return bind(op, make_array(tc, items_arg(op.at("init")), policy));
    return bind(op, make_array(tc, need(op, "size").get<std::int64_t>(), policy));
  }
  Object& obj = object(op);
  if (name == "get") return harness::item_to_json(obj.get(need(op, "index").get<std::int64_t>()));
  if (name == "set") return obj.set(need(op, "index").get<std::int64_t>(), harness::item_from_json(need(op, "item"))), nullptr;
  if (name == "get_slice") return items_json(obj.get(slice_arg(need(op, "slice"))));
  if (name == "set_slice") return obj.set(slice_arg(need(op, "slice")), items_arg(need(op, "items"))), nullptr;
  if (name == "len") return obj.length();
  if (name == "nbytes") return obj.element_count() * obj.typecode().size;
  if (name == "value") return harness::item_to_json(obj.value());
  if (name == "set_value") return obj.set_value(harness::item_from_json(need(op, "item"))), nullptr;
  if (name == "raw") return harness::item_to_json(obj.raw());
  if (name == "set_raw") return obj.set_raw(harness::item_from_json(need(op, "item"))), nullptr;
  if (name == "get_obj") return bind(op, obj.get_obj());
  if (name == "copy") return bind(op, copy(obj));
  if (name == "synchronized") return bind(op, synchronized(obj));
  if (name == "drop") return objects_.erase(op.at("obj").get<std::string>()), nullptr;
  if (name == "acquire") {
    std::optional<std::chrono::duration<double>> timeout;
    if (op.contains("timeout") && !op.at("timeout").is_null()) timeout = std::chrono::duration<double>(op.at("timeout").get<double>());
    return obj.get_lock().acquire(op.value("blocking", true), timeout);
  }
  if (name == "release") return obj.get_lock().release(), nullptr;
  throw ProtocolError("unknown op '" + name + "'");
}

}  // namespace shmcheck::drivers
