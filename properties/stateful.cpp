// The stateful property: random sequences of every operation (objects made and dropped,
// elements, slices, strings, views, copies, locks, children) generated with rc::state from a
// state that knows which handles exist, run as one batch, and checked step by step against
// the model. Preconditions keep shrunk sequences meaningful (no step on a dropped handle).
#include "ops.hpp"
#include "property.hpp"

#include <shmcheck/protocol/item_codec.hpp>

#include <rapidcheck/state.h>

#include <map>

namespace shmcheck::properties {

using nlohmann::json;
using harness::Capabilities;
using namespace ops;

namespace {

// What the generator knows: the handles alive, what they are, and the locks this process
// holds (a child must not touch a synchronized object whose lock is held: it would wait).
struct GenState {
  struct Handle {
    char tc;
    bool is_value;
    int lock;  // -1: raw; handles sharing a lock share the number
    int n;
  };
  Capabilities caps;
  std::map<std::string, Handle> handles;
  std::map<int, int> held;  // lock -> depth this process holds
  int next = 0;
  bool held_by_me(const Handle& h) const {
    auto it = held.find(h.lock);
    return h.lock >= 0 && it != held.end() && it->second > 0;
  }
};

using Base = rc::state::Command<GenState, int>;  // the system is never run through rc::state

struct Step : Base {
  json op;
  void show(std::ostream& os) const override { os << op.dump(); }
  // Every handle the step names must exist when it runs.
  void checkPreconditions(const GenState& s) const override {
    for (const char* key : {"obj"})
      if (op.contains(key)) RC_PRE(s.handles.count(op.at(key).get<std::string>()) > 0);
    if (op.contains("lock") && op.at("lock").is_object()) RC_PRE(s.handles.count(op.at("lock").at("shared_with").get<std::string>()) > 0);
    if (op.at("op") == "child")
      for (const auto& sub : op.at("ops")) RC_PRE(s.handles.count(sub.at("obj").get<std::string>()) > 0);
  }
};

const std::string& pick_handle(const GenState& s) {
  RC_PRE(!s.handles.empty());
  std::vector<std::string> names;
  for (const auto& [name, h] : s.handles) names.push_back(name);
  return s.handles.find(*rc::gen::elementOf(names))->first;
}

struct Create : Step {
  std::string as;
  GenState::Handle h{};
  explicit Create(const GenState& s) {
    as = "o" + std::to_string(s.next);
    h.tc = *gen::typecode(s.caps);
    h.is_value = *rc::gen::weightedElement<bool>({{1, true}, {3, false}});
    json lock = *gen::lock_mode();
    std::vector<std::string> locked;
    for (const auto& [name, other] : s.handles)
      if (other.lock >= 0) locked.push_back(name);
    h.lock = lock == "none" ? -1 : s.next;
    if (!locked.empty() && *rc::gen::weightedElement<bool>({{1, true}, {3, false}})) {
      const std::string& with = *rc::gen::elementOf(locked);
      lock = shared_with(with);
      h.lock = s.handles.at(with).lock;
    }
    if (h.is_value) {
      h.n = 1;
      op = value(as, h.tc, lock, *rc::gen::weightedOneOf<json>({{1, rc::gen::just(json())}, {3, gen::storable(h.tc, s.caps)}}));
    } else {
      h.n = *rc::gen::inRange(0, 12);
      op = *rc::gen::arbitrary<bool>() ? array(as, h.tc, lock, h.n) : array(as, h.tc, lock, storable_items(h.tc, s.caps, h.n));
    }
  }
  void apply(GenState& s) const override {
    s.handles[as] = h;
    ++s.next;
  }
};

struct ElementOp : Step {
  explicit ElementOp(const GenState& s) {
    const std::string& name = pick_handle(s);
    const auto& h = s.handles.at(name);
    const int n = h.n;
    if (h.is_value) {
      op = *rc::gen::arbitrary<bool>() ? on("value", name) : on("set_value", name, {{"item", *gen::any_item(h.tc, s.caps)}});
      return;
    }
    switch (*rc::gen::inRange(0, 4)) {
      case 0: op = on("get", name, {{"index", *rc::gen::inRange(-n - 1, n + 1)}}); break;
      case 1: op = on("set", name, {{"index", *rc::gen::inRange(-n - 1, n + 1)}, {"item", *gen::any_item(h.tc, s.caps)}}); break;
      case 2: op = on("len", name); break;
      default: op = on("nbytes", name); break;
    }
  }
};

struct SliceOp : Step {
  explicit SliceOp(const GenState& s) {
    const std::string& name = pick_handle(s);
    const auto& h = s.handles.at(name);
    RC_PRE(!h.is_value);
    const json sl = *gen::slice(h.n, true);
    if (*rc::gen::arbitrary<bool>()) op = on("get_slice", name, {{"slice", sl}});
    else op = on("set_slice", name, {{"slice", sl}, {"items", storable_items(h.tc, s.caps, *rc::gen::inRange(0, h.n + 1))}});
  }
};

struct StringOp : Step {
  explicit StringOp(const GenState& s) {
    const std::string& name = pick_handle(s);
    const auto& h = s.handles.at(name);
    RC_PRE(!h.is_value && (h.tc == 'c' || h.tc == 'u'));
    // Only what the object has is set (missing-attribute-set-fails tries the rest).
    const char* which = h.tc == 'c' ? *rc::gen::element("value", "raw", "set_value", "set_raw")
                        : h.lock < 0 ? *rc::gen::element("value", "raw", "set_value")
                                     : *rc::gen::element("value", "raw");
    if (which[0] != 's') {
      op = on(which, name);
      return;
    }
    json items = storable_items(h.tc, s.caps, *rc::gen::inRange(0, h.n + 2));
    std::string b;
    std::u32string u;
    for (const auto& it : items) {  // one bytes or str item made of generated elements
      const Item e = protocol::item_from_json(it);
      if (h.tc == 'c') b += e.is_bytes() ? e.as_bytes() : std::string(1, static_cast<char>(e.as_int()));
      else u += e.as_str();
    }
    op = on(which, name, {{"item", protocol::item_to_json(h.tc == 'c' ? Item::bytes(b) : Item::str(u))}});
  }
};

struct ViewOp : Step {  // copy, get_obj, synchronized: a new handle
  std::string as, of;
  explicit ViewOp(const GenState& s) {
    of = pick_handle(s);
    as = "o" + std::to_string(s.next);
    op = on(*rc::gen::element("copy", "get_obj", "synchronized"), of, {{"as", as}});
  }
  void apply(GenState& s) const override {
    GenState::Handle h = s.handles.at(of);
    const std::string what = op.at("op");
    const bool locked = h.lock >= 0;
    const bool ok = what == "get_obj" ? locked : !locked;
    if (ok) {
      h.lock = what == "synchronized" ? s.next : -1;
      s.handles[as] = h;
    }
    ++s.next;
  }
};

struct LockOp : Step {  // nobody else holds a lock when the parent asks: acquires succeed
  explicit LockOp(const GenState& s) {
    const std::string& name = pick_handle(s);
    op = *rc::gen::weightedElement<json>({{3, on("acquire", name)}, {1, try_acquire(name)}, {3, on("release", name)}});
  }
  void apply(GenState& s) const override {
    const auto& h = s.handles.at(op.at("obj").get<std::string>());
    if (h.lock < 0) return;
    int& depth = s.held[h.lock];
    if (op.at("op") == "acquire") ++depth;
    else if (depth > 0) --depth;
  }
};

struct Drop : Step {  // never the last handle of a lock this process holds (see the model)
  explicit Drop(const GenState& s) { op = drop(pick_handle(s)); }
  void checkPreconditions(const GenState& s) const override {
    Step::checkPreconditions(s);
    const auto& h = s.handles.at(op.at("obj").get<std::string>());
    int sharing = 0;
    for (const auto& [name, other] : s.handles) sharing += h.lock >= 0 && other.lock == h.lock;
    RC_PRE(!(s.held_by_me(h) && sharing == 1));
  }
  void apply(GenState& s) const override { s.handles.erase(op.at("obj").get<std::string>()); }
};

struct ChildOp : Step {  // a few reads and writes, and lock attempts that never wait
  explicit ChildOp(const GenState& s) {
    RC_PRE(s.caps.child);
    json ops = json::array();
    const int count = *rc::gen::inRange(1, 5);
    for (int k = 0; k < count; ++k) {
      const std::string& name = pick_handle(s);
      const auto& h = s.handles.at(name);
      if (h.lock >= 0 && (s.held_by_me(h) || *rc::gen::arbitrary<bool>())) {
        ops.push_back(try_acquire(name));  // fails while the parent holds it
        ops.push_back(on("release", name));
      } else if (h.is_value) {
        ops.push_back(on("set_value", name, {{"item", *gen::storable(h.tc, s.caps)}}));
      } else if (h.n > 0) {
        ops.push_back(on("set", name, {{"index", *rc::gen::inRange(0, h.n)}, {"item", *gen::storable(h.tc, s.caps)}}));
        ops.push_back(read_all(name));
      }
    }
    RC_PRE(!ops.empty());
    op = child(ops);
  }
  void checkPreconditions(const GenState& s) const override {
    Step::checkPreconditions(s);
    for (const auto& sub : op.at("ops")) {  // after shrinking, a lock may be held that was not
      const std::string what = sub.at("op");
      if (what != "acquire" && what != "release") RC_PRE(!s.held_by_me(s.handles.at(sub.at("obj").get<std::string>())));
    }
  }
};

}  // namespace

std::vector<Property> stateful_properties() {
  std::vector<Property> ps;
  ps.push_back({"stateful-sequences",
                "random sequences of every operation on several objects (create, drop, elements, slices, strings, views, copies, locks, children) agree with the model step by step",
                [](const Capabilities& caps) {
                  GenState initial;
                  initial.caps = caps;
                  auto commands = rc::state::gen::commands(initial, [](const GenState& s) {
                    return rc::state::gen::execOneOfWithArgs<Create, Create, ElementOp, ElementOp, SliceOp, StringOp, ViewOp,
                                                             LockOp, Drop, ChildOp>()(s);
                  });
                  return rc::gen::map(commands, [](const rc::state::Commands<Base>& cmds) {
                    Case c;
                    for (const auto& cmd : cmds) c.ops.push_back(static_cast<const Step&>(*cmd).op);
                    return c;
                  });
                }});
  return ps;
}

}  // namespace shmcheck::properties
