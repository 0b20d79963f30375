#include "boost_session.hpp"

#include "boost_memory.hpp"

#include "drivers/common/children.hpp"
#include "drivers/common/request.hpp"
#include "drivers/scenarios/access.hpp"
#include "drivers/scenarios/scenarios.hpp"

#include <shmcheck/detail/element.hpp>  // checked_bytes and the slice/byte-string errors
#include <shmcheck/error.hpp>
#include <shmcheck/item.hpp>
#include <shmcheck/protocol/item_codec.hpp>
#include <shmcheck/slice.hpp>

#include <boost/interprocess/exceptions.hpp>
#include <boost/version.hpp>

#include <sys/utsname.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>

namespace shmcheck::drivers {

namespace bip = ::boost::interprocess;
using protocol::Outcome;
using nlohmann::json;

namespace {

// Exactly one hold per access through a synchronized object, as CPython's wrappers.
template <class F>
auto locked(const BoostObject& o, F&& f) {
  if (!o.lock) return f();
  boost_acquire(*o.lock, true, std::nullopt);
  struct Release {
    BoostLockState& s;
    ~Release() { boost_release(s); }  // cannot throw: this thread took it just now
  } hold{*o.lock};
  return f();
}

std::byte* element(const BoostObject& o, std::size_t i) { return o.data.get() + i * o.tc->size; }

std::string type_name(const BoostObject& o) {
  if (o.lock) return o.is_value ? "Synchronized" : o.tc->code == 'c' ? "SynchronizedString" : "SynchronizedArray";
  std::string name(o.tc->ctypes_name);
  return o.is_value ? name : name + "_Array_" + std::to_string(o.n);
}

[[noreturn]] void no_attribute(const BoostObject& o, const std::string& name) {
  throw AttributeError("'" + type_name(o) + "' object has no attribute '" + name + "'");
}

void need_array(const BoostObject& o, const char* what) {
  if (o.is_value) throw TypeError("'" + type_name(o) + "' object " + what);
}

json get_slice(const BoostObject& o, const Slice& s) {
  need_array(o, "is not subscriptable");
  return locked(o, [&] {
    const SliceIndices r = resolve(s, o.n);
    json out = json::array();
    for (std::size_t k = 0; k < r.length; ++k) out.push_back(protocol::item_to_json(load_item(*o.tc, element(o, r.at(k)))));
    return out;
  });
}

void set_slice(const BoostObject& o, const Slice& s, const std::vector<Item>& v) {
  need_array(o, "does not support item assignment");
  locked(o, [&] {
    const SliceIndices r = resolve(s, o.n);
    if (v.size() != r.length) detail::throw_slice_size_mismatch();
    for (std::size_t k = 0; k < r.length; ++k) store_item(*o.tc, element(o, r.at(k)), v[k]);  // stops at a bad item
  });
}

Item value(const BoostObject& o) {
  if (o.is_value) return locked(o, [&] { return load_item(*o.tc, element(o, 0)); });
  if (o.tc->code == 'c')
    return locked(o, [&] {
      const char* p = reinterpret_cast<const char*>(o.data.get());
      return Item::bytes(std::string(p, std::find(p, p + o.n, '\0')));
    });
  if (o.tc->code == 'u' && !o.lock) {
    const wchar_t* p = reinterpret_cast<const wchar_t*>(o.data.get());
    std::u32string out;
    for (std::size_t i = 0; i < o.n && p[i] != 0; ++i) out.push_back(static_cast<char32_t>(p[i]));
    return Item::str(out);
  }
  no_attribute(o, "value");
}

void set_value(const BoostObject& o, const Item& v) {
  if (o.is_value) return locked(o, [&] { store_item(*o.tc, element(o, 0), v); });
  if (o.tc->code == 'c') {
    if (!v.is_bytes()) throw TypeError("bytes expected instead of " + std::string(v.type_name()) + " instance");
    const auto& b = v.as_bytes();
    if (b.size() > o.n) detail::throw_byte_string_too_long();
    return locked(o, [&] {
      std::memcpy(o.data.get(), b.data(), b.size());
      if (b.size() < o.n) reinterpret_cast<char*>(o.data.get())[b.size()] = '\0';
    });
  }
  if (o.tc->code == 'u' && !o.lock) {
    if (!v.is_str()) throw TypeError("unicode string expected instead of " + std::string(v.type_name()) + " instance");
    const auto& s = v.as_str();
    if (s.size() > o.n) throw ValueError("string too long");
    auto* p = reinterpret_cast<wchar_t*>(o.data.get());
    for (std::size_t i = 0; i < s.size(); ++i) p[i] = static_cast<wchar_t>(s[i]);
    if (s.size() < o.n) p[s.size()] = 0;
    return;
  }
  no_attribute(o, "value");
}

Item raw(const BoostObject& o) {
  if (o.is_value || o.tc->code != 'c') no_attribute(o, "raw");
  return locked(o, [&] { return Item::bytes(std::string(reinterpret_cast<const char*>(o.data.get()), o.n)); });
}

void set_raw(const BoostObject& o, const Item& v) {
  if (o.is_value || o.tc->code != 'c') no_attribute(o, "raw");
  if (!v.is_bytes()) throw TypeError("a bytes-like object is required, not '" + std::string(v.type_name()) + "'");
  const auto& b = v.as_bytes();
  if (b.size() > o.n) detail::throw_byte_string_too_long();
  locked(o, [&] { std::memcpy(o.data.get(), b.data(), b.size()); });
}

BoostLockState& lock_of(const BoostObject& o) {
  if (!o.lock) no_attribute(o, "get_lock");
  return *o.lock;
}

// The stress workers' accesses straight into the Boost objects (scenarios/access.hpp), as the
// reference's: a scenario's rate is then Boost.Interprocess's, not the protocol's.
class BoostAccess : public scenarios::Access {
 public:
  explicit BoostAccess(BoostObject o) : o_(std::move(o)) {}
  Item value() override { return drivers::value(o_); }
  void set_value(const Item& v) override { drivers::set_value(o_, v); }
  Item get(std::int64_t index) override {
    need_array(o_, "is not subscriptable");
    return locked(o_, [&] { return load_item(*o_.tc, element(o_, resolve_index(index, o_.n))); });
  }
  void set(std::int64_t index, const Item& v) override {
    need_array(o_, "does not support item assignment");
    locked(o_, [&] { store_item(*o_.tc, element(o_, resolve_index(index, o_.n)), v); });
  }
  std::vector<Item> get_slice(const Slice& s) override {
    need_array(o_, "is not subscriptable");
    return locked(o_, [&] {
      const SliceIndices r = resolve(s, o_.n);
      std::vector<Item> out;
      out.reserve(r.length);
      for (std::size_t k = 0; k < r.length; ++k) out.push_back(load_item(*o_.tc, element(o_, r.at(k))));
      return out;
    });
  }
  void set_slice(const Slice& s, const std::vector<Item>& items) override { drivers::set_slice(o_, s, items); }
  Item fetch_add(std::int64_t, const Item&) override { throw Unsupported("boost: no lock-free fetch_add (capability atomic_ops is false)"); }
  void acquire() override { boost_acquire(lock_of(o_), true, std::nullopt); }
  void release() override { boost_release(lock_of(o_)); }

 private:
  BoostObject o_;
};

}  // namespace

json boost_hello() {
  utsname u{};
  uname(&u);
  std::string version = BOOST_LIB_VERSION;  // "1_74"
  std::replace(version.begin(), version.end(), '_', '.');
  json sizes = json::object();
  for (const Typecode& tc : typecodes()) sizes[std::string(1, tc.code)] = {tc.size, tc.align};
  return {{"protocol", 1},
          {"name", "boost-interprocess"},
          {"version", version},
          {"platform", {{"os", "linux"}, {"machine", u.machine}, {"detail", std::string(u.sysname) + " " + u.release}}},
          {"capabilities",
           {{"typecodes", std::string(typecode_letters())},
            {"sizes", sizes},
            {"robust_lock", false},  // a dead owner's interprocess_recursive_mutex stays locked
            {"atomic_ops", false},
            {"child", true},
            {"async_child", true},
            {"start_methods", {"fork"}},
            {"scenarios", {"counter", "torn", "ring", "owner-death", "lifetime-cycles", "lifetime-create", "lifetime-outlive"}}}}};
}

Outcome BoostSession::perform(const json& op) {
  return outcome_of([&] {
    try {
      return dispatch(op);
    } catch (const bip::interprocess_exception& e) {  // mmap or the mutex refused
      throw ImplementationError("os_error", "boost::interprocess::interprocess_exception",
                                std::string(e.what()) + " (errno " + std::to_string(e.get_native_error()) + ")");
    } catch (const std::bad_alloc& e) {  // out of memory or of mappings: an observation, not a bad request
      throw ImplementationError("other", "std::bad_alloc", e.what());
    }
  });
}

BoostObject& BoostSession::object(const json& op) {
  const std::string name = need(op, "obj").get<std::string>();
  auto it = objects_.find(name);
  if (it == objects_.end()) throw ProtocolError("no object with handle '" + name + "'");
  return it->second;
}

std::string BoostSession::bind(const json& op, BoostObject obj) {
  const std::string name = op.contains("as") ? op.at("as").get<std::string>() : "h" + std::to_string(++next_handle_);
  objects_.insert_or_assign(name, std::move(obj));
  return name;
}

json BoostSession::create(const json& op) {
  const char tc = typecode_arg(op);
  const json lock = op.value("lock", json("own"));
  std::shared_ptr<BoostLockState> shared;
  if (lock.is_object()) {
    const BoostObject& with = object(json{{"obj", lock.at("shared_with")}});
    lock_of(with);  // AttributeError: a raw object has no lock to share
    shared = with.lock;
  } else if (lock != "own" && lock != "none") {
    throw ProtocolError("unknown lock " + lock.dump());
  }
  const std::string shape = need(op, "shape").get<std::string>();
  if (shape != "value" && shape != "array") throw ProtocolError("unknown shape '" + shape + "'");

  BoostObject o;
  o.tc = &typecode(tc);
  o.is_value = shape == "value";
  std::vector<Item> init;
  if (o.is_value) o.n = 1;
  else if (op.contains("init")) init = items_arg(op.at("init")), o.n = init.size();
  const std::size_t bytes = o.is_value ? o.tc->size
                                       : detail::checked_bytes(op.contains("init") ? static_cast<std::int64_t>(o.n)
                                                                                   : need(op, "size").get<std::int64_t>(),
                                                               o.tc->size);
  if (!o.is_value) o.n = bytes / o.tc->size;
  const bool own = lock == "own";
  auto region = boost_region((own ? kBoostDataOffset : 0) + bytes);
  if (own) o.lock = boost_lock_at(region);
  else o.lock = shared;  // null for "none"
  o.data = std::shared_ptr<std::byte>(region, static_cast<std::byte*>(region->get_address()) + (own ? kBoostDataOffset : 0));
  if (o.is_value && op.contains("init") && !op.at("init").is_null())
    store_item(*o.tc, element(o, 0), protocol::item_from_json(op.at("init")));
  for (std::size_t i = 0; i < init.size(); ++i) store_item(*o.tc, element(o, i), init[i]);
  return bind(op, std::move(o));
}

json BoostSession::dispatch(const json& op) {
  const std::string name = need(op, "op").get<std::string>();
  if (name == "hello") return boost_hello();
  if (name == "bye") return nullptr;
  if (name == "collect") return nullptr;  // shared_ptr regions go at the last drop, not later
  if (name == "batch") return run_batch(op, [this](const json& o) { return perform(o); });
  if (name == "child") return children_.run(op, [this](const json& o) { return perform(o); });
  if (name == "stress") {
    scenarios::Session session{[this](const json& o) { return perform(o); }, nullptr, nullptr, nullptr};
    session.access = [this](const std::string& h) -> std::unique_ptr<scenarios::Access> {
      return std::make_unique<BoostAccess>(object({{"obj", h}}));
    };
    return scenarios::run_scenario(op, session);
  }
  if (name == "fetch_add") throw Unsupported("boost: no lock-free fetch_add (capability atomic_ops is false)");
  if (name == "owner_deaths") throw Unsupported("boost: interprocess_recursive_mutex does not detect a dead owner");
  if (name == "child_start") return children_.start(op, [this](const json& o) { return perform(o); });
  if (name == "child_wait") return children_.wait(need(op, "obj").get<std::string>());
  if (name == "wait_for") return wait_for(op, [this](const json& o) { return dispatch(o); });
  if (name == "create") return create(op);
  BoostObject& obj = object(op);
  if (name == "get") {
    need_array(obj, "is not subscriptable");
    const auto i = need(op, "index").get<std::int64_t>();
    return protocol::item_to_json(locked(obj, [&] { return load_item(*obj.tc, element(obj, resolve_index(i, obj.n))); }));
  }
  if (name == "set") {
    need_array(obj, "does not support item assignment");
    const auto i = need(op, "index").get<std::int64_t>();
    const Item v = protocol::item_from_json(need(op, "item"));
    return locked(obj, [&] { store_item(*obj.tc, element(obj, resolve_index(i, obj.n)), v); }), nullptr;
  }
  if (name == "get_slice") return get_slice(obj, slice_arg(need(op, "slice")));
  if (name == "set_slice") return set_slice(obj, slice_arg(need(op, "slice")), items_arg(need(op, "items"))), nullptr;
  if (name == "len") {
    if (obj.is_value) throw TypeError("object of type '" + type_name(obj) + "' has no len()");
    return obj.n;
  }
  if (name == "nbytes") return obj.n * obj.tc->size;
  if (name == "value") return protocol::item_to_json(value(obj));
  if (name == "set_value") return set_value(obj, protocol::item_from_json(need(op, "item"))), nullptr;
  if (name == "raw") return protocol::item_to_json(raw(obj));
  if (name == "set_raw") return set_raw(obj, protocol::item_from_json(need(op, "item"))), nullptr;
  if (name == "get_obj") {
    if (!obj.lock) no_attribute(obj, "get_obj");
    BoostObject r = obj;
    r.lock.reset();
    return bind(op, std::move(r));
  }
  if (name == "copy") {
    // CPython sizes the copy with ctypes.sizeof(type(obj)), which a Synchronized wrapper lacks.
    if (obj.lock) throw TypeError("this type has no size");
    BoostObject c = obj;
    auto region = boost_region(obj.n * obj.tc->size);
    c.data = std::shared_ptr<std::byte>(region, static_cast<std::byte*>(region->get_address()));
    std::memcpy(c.data.get(), obj.data.get(), obj.n * obj.tc->size);
    return bind(op, std::move(c));
  }
  if (name == "synchronized") {
    if (obj.lock) throw AssertionError("object already synchronized");
    BoostObject s = obj;  // shares the elements; the new lock gets a region of its own
    s.lock = boost_lock_at(boost_region(sizeof(BoostLockState)));
    return bind(op, std::move(s));
  }
  if (name == "drop") return objects_.erase(op.at("obj").get<std::string>()), nullptr;
  if (name == "acquire") {
    std::optional<double> timeout;
    if (op.contains("timeout") && !op.at("timeout").is_null()) timeout = op.at("timeout").get<double>();
    return boost_acquire(lock_of(obj), op.value("blocking", true), timeout);
  }
  if (name == "release") return boost_release(lock_of(obj)), nullptr;
  throw ProtocolError("unknown op '" + name + "'");
}

}  // namespace shmcheck::drivers
