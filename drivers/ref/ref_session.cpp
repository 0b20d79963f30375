#include "ref_session.hpp"
#include "platform.hpp"

#include "drivers/common/children.hpp"
#include "drivers/common/platform_facts.hpp"
#include "drivers/common/request.hpp"
#include "drivers/scenarios/access.hpp"
#include "drivers/scenarios/scenarios.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/handle.hpp>
#include <shmcheck/protocol/item_codec.hpp>
#include <shmcheck/typecode.hpp>
#include <shmcheck/version.hpp>

#include <iostream>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace shmcheck::drivers {

using protocol::Outcome;
using nlohmann::json;

namespace {

// The stress workers' accesses straight into the reference (scenarios/access.hpp): what
// `shmcheck-ref` costs per access is then the library's, as CPython's workers cost CPython's.
class ObjectAccess : public scenarios::Access {
 public:
  explicit ObjectAccess(Object o) : o_(std::move(o)) {}
  Item value() override { return o_.value(); }
  void set_value(const Item& v) override { o_.set_value(v); }
  Item get(std::int64_t index) override { return o_.get(index); }
  void set(std::int64_t index, const Item& v) override { o_.set(index, v); }
  std::vector<Item> get_slice(const Slice& s) override { return o_.get(s); }
  void set_slice(const Slice& s, const std::vector<Item>& items) override { o_.set(s, items); }
  Item fetch_add(std::int64_t index, const Item& delta) override { return o_.fetch_add(index, delta); }
  void acquire() override { o_.get_lock().acquire(); }
  void release() override { o_.get_lock().release(); }

 private:
  Object o_;
};

}  // namespace

json ref_hello() {
  json sizes = json::object();
  for (const Typecode& tc : typecodes()) sizes[std::string(1, tc.code)] = {tc.size, tc.align};
  json capabilities = {{"typecodes", std::string(typecode_letters())}, {"sizes", sizes}, {"robust_lock", true}, {"atomic_ops", true}};
  capabilities.update(host_capabilities());  // children, start methods, scenarios
  return {{"protocol", 1},
          {"name", "shmcheck-ref"},
          {"version", version},
          {"platform", platform_facts()},
          {"capabilities", capabilities}};
}

Outcome RefSession::perform(const json& op) {
  return outcome_of([&] { return dispatch(op); });
}

Object& RefSession::object(const json& op) {
  const std::string name = need(op, "obj").get<std::string>();
  auto it = objects_.find(name);
  if (it == objects_.end()) throw ProtocolError("no object with handle '" + name + "'");
  return it->second;
}

std::string RefSession::bind(const json& op, Object obj) {
  const std::string name = op.contains("as") ? op.at("as").get<std::string>() : "h" + std::to_string(++next_handle_);
  objects_.insert_or_assign(name, std::move(obj));
  return name;
}

json RefSession::dispatch(const json& op) {
  const std::string name = need(op, "op").get<std::string>();
  if (name == "hello") return ref_hello();
  if (name == "bye") return nullptr;
  if (name == "collect") return nullptr;  // memory comes back at the last drop, not later
  if (name == "batch") return run_batch(op, [this](const json& o) { return perform(o); });
  if (name == "child") return children_.run(op, [this](const json& o) { return perform(o); });
  if (name == "stress") {
    scenarios::Session session{[this](const json& o) { return perform(o); }, [this](const std::string& h) { return exec_read(h); }, nullptr, nullptr};
    if (owner_by_exec()) session.exec_hold = [this](const std::string& h) { return exec_hold(h); };
    session.access = [this](const std::string& h) -> std::unique_ptr<scenarios::Access> {
      return std::make_unique<ObjectAccess>(object({{"obj", h}}));
    };
    return scenarios::run_scenario(op, session);
  }
  if (name == "child_start") return children_.start(op, [this](const json& o) { return perform(o); });
  if (name == "child_wait") return children_.wait(need(op, "obj").get<std::string>());
  if (name == "wait_for") return wait_for(op, [this](const json& o) { return dispatch(o); });
  if (name == "create") {
    const char tc = typecode_arg(op);
    const json lock = op.value("lock", json("own"));
    LockPolicy policy = LockPolicy::own();
    if (lock == "none") policy = LockPolicy::none();
    else if (lock.is_object()) policy = LockPolicy::shared(object(json{{"obj", lock.at("shared_with")}}).get_lock());
    else if (lock != "own") throw ProtocolError("unknown lock " + lock.dump());
    const std::string shape = need(op, "shape").get<std::string>();
    if (shape == "value")
      return bind(op, make_value(tc, op.contains("init") ? protocol::item_from_json(op.at("init")) : Item(), policy));
    if (shape != "array") throw ProtocolError("unknown shape '" + shape + "'");
    if (op.contains("init")) return bind(op, make_array(tc, items_arg(op.at("init")), policy));
    return bind(op, make_array(tc, need(op, "size").get<std::int64_t>(), policy));
  }
  Object& obj = object(op);
  if (name == "get") return protocol::item_to_json(obj.get(need(op, "index").get<std::int64_t>()));
  if (name == "set") return obj.set(need(op, "index").get<std::int64_t>(), protocol::item_from_json(need(op, "item"))), nullptr;
  if (name == "get_slice") return items_json(obj.get(slice_arg(need(op, "slice"))));
  if (name == "set_slice") return obj.set(slice_arg(need(op, "slice")), items_arg(need(op, "items"))), nullptr;
  if (name == "len") return obj.length();
  if (name == "fetch_add") return protocol::item_to_json(obj.fetch_add(op.value("index", 0), protocol::item_from_json(need(op, "item"))));
  if (name == "owner_deaths") return obj.get_lock().owner_deaths();
  if (name == "nbytes") return obj.element_count() * obj.typecode().size;
  if (name == "value") return protocol::item_to_json(obj.value());
  if (name == "set_value") return obj.set_value(protocol::item_from_json(need(op, "item"))), nullptr;
  if (name == "raw") return protocol::item_to_json(obj.raw());
  if (name == "set_raw") return obj.set_raw(protocol::item_from_json(need(op, "item"))), nullptr;
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

int attach_read_main(const std::string& handle_text) {
  try {
    if (handle_text.rfind("hold ", 0) == 0) {  // owner-death's holder: dies holding the lock
      Object obj = attach(handle_text.substr(5));
      obj.get_lock().acquire();
      obj.set_value(Item(1));
      std::cout << "held" << std::endl;
      for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
    }
    const Object obj = attach(handle_text);
    json items = json::array();
    if (obj.shape() == Shape::value) items.push_back(protocol::item_to_json(obj.value()));
    else
      for (std::size_t i = 0; i < obj.length(); ++i) items.push_back(protocol::item_to_json(obj.get(static_cast<std::int64_t>(i))));
    std::cout << items.dump() << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "attach-read: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace shmcheck::drivers
