#include "model.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/protocol/item_codec.hpp>

#include <algorithm>
#include <string_view>

namespace shmcheck::properties {

using nlohmann::json;

namespace {

bool is_signed_code(char tc) { return std::string_view("bhilq").find(tc) != std::string_view::npos; }
bool is_int_code(char tc) { return std::string_view("bBhHiIlLqQ").find(tc) != std::string_view::npos; }

Int pow2(int n) { return static_cast<Int>(1) << n; }

// Python's int -> C integer store: reduce modulo 2^bits into [0, 2^bits), then, for a
// signed type, move the upper half down. Done with % on 128-bit values, not with masks.
Int wrap(Int v, int bits, bool is_signed) {
  const Int m = pow2(bits);
  Int r = v % m;
  if (r < 0) r += m;
  if (is_signed && r >= m / 2) r -= m;
  return r;
}

std::optional<std::int64_t> bound(const json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<std::int64_t>();
}

json items_json(const std::vector<Item>& v) {
  json out = json::array();
  for (const auto& i : v) out.push_back(protocol::item_to_json(i));
  return out;
}

Item item(const json& j) { return protocol::item_from_json(j); }

}  // namespace

int Model::bits(char tc) const {
  auto it = caps_.sizes.find(tc);
  return 8 * (it == caps_.sizes.end() ? 0 : it->second.first);
}

Item Model::zero(char tc) const {
  if (tc == 'f' || tc == 'd') return Item(0.0);
  if (tc == 'c') return Item::bytes(std::string(1, '\0'));
  if (tc == 'u') return Item::str(std::u32string(1, U'\0'));
  return Item(0);
}

std::optional<Item> Model::convert(char tc, const Item& v, std::string& error_kind) const {
  error_kind = "type_error";
  if (is_int_code(tc)) {
    if (!v.is_int()) return std::nullopt;
    return Item(wrap(v.as_int(), bits(tc), is_signed_code(tc)));
  }
  if (tc == 'f' || tc == 'd') {
    double d;
    if (v.is_float()) d = v.as_float();
    else if (v.is_int()) d = static_cast<double>(v.as_int());
    else return std::nullopt;
    if (tc == 'f') d = static_cast<double>(static_cast<float>(d));  // IEEE round to nearest
    return Item(d);
  }
  const auto& kinds = tc == 'c' ? dialect_.c_stores : dialect_.u_stores;
  const auto takes = [&](const char* kind) { return std::find(kinds.begin(), kinds.end(), kind) != kinds.end(); };
  const bool one_byte = v.is_bytes() && v.as_bytes().size() == 1;
  if (tc == 'c') {
    if (one_byte && takes("bytes1")) return v;
    if (v.is_int() && v.as_int() >= 0 && v.as_int() < 256 && takes("int")) return Item::bytes(std::string(1, static_cast<char>(v.as_int())));
    return std::nullopt;
  }
  if (tc == 'u') {
    const Int max_code = bits('u') >= 32 ? 0x10FFFF : 0xFFFF;
    if (v.is_str() && v.as_str().size() == 1 && static_cast<Int>(v.as_str()[0]) <= max_code && takes("str1")) return v;
    if (one_byte && static_cast<unsigned char>(v.as_bytes()[0]) < 0x80 && takes("ascii-bytes1"))
      return Item::str(std::u32string(1, static_cast<char32_t>(v.as_bytes()[0])));
    return std::nullopt;
  }
  return std::nullopt;
}

Dialect Dialect::from_json(const json& j) {
  Dialect d;
  static const std::vector<std::string> known{"int", "bytes1", "str1", "ascii-bytes1"};
  for (const auto& [key, value] : j.items()) {
    if (key != "stores") throw ValueError("a dialect says only 'stores' so far, not '" + key + "'");
    for (const auto& [code, kinds] : value.items()) {
      if (code != "c" && code != "u") throw ValueError("a dialect's stores are for 'c' and 'u', not '" + code + "'");
      std::vector<std::string> list;
      for (const auto& k : kinds) {
        if (!k.is_string() || std::find(known.begin(), known.end(), k.get<std::string>()) == known.end())
          throw ValueError("unknown kind of item in a dialect: " + k.dump());
        list.push_back(k);
      }
      (code == "c" ? d.c_stores : d.u_stores) = list;
    }
  }
  return d;
}

std::vector<std::size_t> Model::slice_indices(const json& s, std::size_t n, bool& step_zero) const {
  // Python's range(n)[slice]: clamp start/stop into the walkable range, then walk.
  const std::int64_t len = static_cast<std::int64_t>(n);
  const std::int64_t step = bound(s[2]).value_or(1);
  step_zero = step == 0;
  std::vector<std::size_t> out;
  if (step_zero) return out;
  auto clamp = [&](std::optional<std::int64_t> v, std::int64_t dflt, std::int64_t lo, std::int64_t hi) {
    if (!v) return dflt;
    std::int64_t x = *v < 0 ? (*v < -len ? lo : *v + len) : *v;
    return std::min(std::max(x, lo), hi);
  };
  if (step > 0) {
    const std::int64_t start = clamp(bound(s[0]), 0, 0, len), stop = clamp(bound(s[1]), len, 0, len);
    for (std::int64_t i = start; i < stop; i += step) out.push_back(static_cast<std::size_t>(i));
  } else {
    const std::int64_t start = clamp(bound(s[0]), len - 1, -1, len - 1), stop = clamp(bound(s[1]), -1, -1, len - 1);
    for (std::int64_t i = start; i > stop; i += step) out.push_back(static_cast<std::size_t>(i));
  }
  return out;
}

Expected Model::create(const json& op) {
  const std::string tcs = op.at("tc");
  if (tcs.size() != 1 || caps_.typecodes.find(tcs[0]) == std::string::npos) return Expected::error("type_error");
  const char tc = tcs[0];
  const json lock = op.value("lock", json("own"));
  std::string lock_id;
  if (lock.is_object()) {
    auto with = objects_.find(lock.at("shared_with"));
    if (with == objects_.end()) return Expected::error("other");
    if (with->second.lock_id.empty()) return Expected::error("attribute_error");  // a raw object has no get_lock
    lock_id = with->second.lock_id;
  } else if (lock == "own") {
    lock_id = "L" + std::to_string(next_lock_++);
  }
  Obj o{tc, op.at("shape") == "value", std::make_shared<std::vector<Item>>(), lock_id};
  auto& elems = *o.elems;
  std::string kind;
  if (o.is_value) {
    elems.push_back(zero(tc));
    if (op.contains("init") && !op.at("init").is_null()) {
      auto v = convert(tc, item(op.at("init")), kind);
      if (!v) return Expected::error(kind);
      elems[0] = *v;
    }
  } else if (op.contains("init")) {
    for (const auto& j : op.at("init")) {
      auto v = convert(tc, item(j), kind);
      if (!v) return Expected::error(kind);
      elems.push_back(*v);
    }
  } else {
    const std::int64_t n = op.at("size");
    if (n < 0) return Expected::error("value_error");
    elems.assign(static_cast<std::size_t>(n), zero(tc));
  }
  const std::string name = op.at("as");
  objects_.insert_or_assign(name, o);
  return Expected::value(name);
}

Expected Model::in_child(const json& ops, const std::map<std::string, Obj>& seen) {
  // The child has the objects it was given at its start, even those its parent dropped since;
  // its writes land in the shared elements, its new handles and lock holds end with it.
  if (who_ == child) throw Unpredictable("a child starting a child");
  const auto saved = objects_;
  objects_ = seen;
  who_ = child;
  depth_[child].clear();
  json outcomes = json::array();
  for (const auto& sub : ops) {
    const Expected e = apply(sub);
    outcomes.push_back(e.ok ? json{{"ok", true}, {"result", e.result}} : json{{"ok", false}, {"error", {{"kind", e.kind}, {"message", ""}}}});
  }
  who_ = parent;
  objects_ = saved;
  for (const auto& [id, d] : depth_[child])
    if (d > 0) throw Unpredictable("a child that ends holding a lock (robust locks recover it, others never do)");
  return Expected::value({{"outcomes", outcomes}, {"exit", {{"code", 0}}}});
}

Expected Model::apply(const json& op) {
  const std::string name = op.at("op");
  if (name == "create") return create(op);
  if (name == "collect") return Expected::value(nullptr);  // reclaims memory: no element changes
  if (name == "child") return in_child(op.at("ops"), objects_);
  if (name == "child_start") {
    started_[op.at("as")] = Started{op.at("ops"), objects_};
    return Expected::value(op.at("as"));
  }
  if (name == "child_wait") {
    // Properties order a started child after the parent's writes (it waits for a flag the
    // parent sets last), so applying its operations now is what it saw.
    auto it = started_.find(op.at("obj"));
    if (it == started_.end()) return Expected::error("other");
    const Started started = it->second;
    started_.erase(it);
    return in_child(started.ops, started.seen);
  }
  auto found = objects_.find(op.at("obj").get<std::string>());
  if (found == objects_.end()) return Expected::error("other");  // the driver refuses an unknown handle
  return object_op(name, op, found->second);
}

Expected Model::c_string(const std::string& name, const json& op, Obj& o) {
  // value/raw of arrays: 'c' arrays have both (SynchronizedString, or ctypes' char array);
  // a raw 'u' array has value (ctypes' wchar array); a synchronized one has neither.
  auto& elems = *o.elems;
  const bool has_value = o.tc == 'c' || (o.tc == 'u' && o.lock_id.empty());
  const bool has_raw = o.tc == 'c';
  if (!(name == "value" || name == "set_value" ? has_value : has_raw)) return Expected::error("attribute_error");
  if (name == "value" || name == "raw") {
    if (o.tc == 'u') {
      std::u32string s;
      for (const auto& e : elems) {
        if (e.as_str()[0] == U'\0') break;
        s += e.as_str();
      }
      return Expected::value(protocol::item_to_json(Item::str(s)));
    }
    std::string b;
    for (const auto& e : elems) {
      if (name == "value" && e.as_bytes()[0] == '\0') break;
      b += e.as_bytes();
    }
    return Expected::value(protocol::item_to_json(Item::bytes(b)));
  }
  const Item v = item(op.at("item"));
  const bool right_kind = o.tc == 'c' ? v.is_bytes() : v.is_str();
  if (!right_kind) return Expected::error("type_error");
  const std::size_t len = o.tc == 'c' ? v.as_bytes().size() : v.as_str().size();
  if (len > elems.size()) return Expected::error("value_error");
  for (std::size_t i = 0; i < len; ++i)
    elems[i] = o.tc == 'c' ? Item::bytes(std::string(1, v.as_bytes()[i])) : Item::str(std::u32string(1, v.as_str()[i]));
  // value= ends a shorter string with a NUL; raw= writes only the prefix.
  if (name == "set_value" && len < elems.size()) elems[len] = zero(o.tc);
  return Expected::value(nullptr);
}

Expected Model::lock_op(const std::string& name, const json& op, const Obj& o) {
  if (o.lock_id.empty()) return Expected::error("attribute_error");  // a raw object has no lock
  int& mine = depth_[who_][o.lock_id];
  if (name == "release") {
    if (mine == 0) return Expected::error("assertion_error");  // RLock: not owned by this thread
    --mine;
    return Expected::value(nullptr);
  }
  const bool other_holds = who_ == child && depth_[parent][o.lock_id] > 0;
  if (other_holds) {
    const bool waits_forever = op.value("blocking", true) && (!op.contains("timeout") || op.at("timeout").is_null());
    if (waits_forever) throw Unpredictable("a blocking acquire of a lock another process holds");
    return Expected::value(false);
  }
  ++mine;
  return Expected::value(true);
}

Expected Model::object_op(const std::string& name, const json& op, Obj& o) {
  auto& elems = *o.elems;
  const std::size_t n = elems.size();
  if (name == "acquire" || name == "release") return lock_op(name, op, o);
  static const std::vector<std::string> locked_access = {"get", "set", "get_slice", "set_slice", "value", "set_value", "raw", "set_raw", "wait_for"};
  if (who_ == child && !o.lock_id.empty() && depth_[parent][o.lock_id] > 0 &&
      std::find(locked_access.begin(), locked_access.end(), name) != locked_access.end())
    throw Unpredictable("a child's locked access to an object whose lock its parent holds (it would wait forever)");
  if (name == "drop") {
    const std::string lock = o.lock_id;
    objects_.erase(op.at("obj").get<std::string>());
    const bool last = std::none_of(objects_.begin(), objects_.end(), [&](const auto& kv) { return kv.second.lock_id == lock; });
    if (!lock.empty() && last && depth_[who_][lock] > 0)
      throw Unpredictable("dropping the last handle of a lock this process holds (the reference releases it, CPython keeps it held)");
    return Expected::value(nullptr);
  }
  if (name == "nbytes") return Expected::value(n * static_cast<std::size_t>(bits(o.tc) / 8));
  if (name == "wait_for") {  // nobody else writes while the parent waits: the answer is now
    const Item now = op.contains("index") ? elems.at(static_cast<std::size_t>(op.at("index").get<std::int64_t>())) : elems.at(0);
    return Expected::value(protocol::same_item(now, item(op.at("item"))));
  }
  if (name == "copy") {
    if (!o.lock_id.empty()) return Expected::error("type_error");  // CPython: "this type has no size"
    Obj c{o.tc, o.is_value, std::make_shared<std::vector<Item>>(elems), ""};
    objects_.insert_or_assign(op.at("as").get<std::string>(), c);
    return Expected::value(op.at("as"));
  }
  if (name == "get_obj" || name == "synchronized") {
    const bool sync = name == "synchronized";
    if (sync && !o.lock_id.empty()) return Expected::error("assertion_error");  // already synchronized
    if (!sync && o.lock_id.empty()) return Expected::error("attribute_error");  // a raw object has no get_obj
    Obj view{o.tc, o.is_value, o.elems, sync ? "L" + std::to_string(next_lock_++) : ""};
    objects_.insert_or_assign(op.at("as").get<std::string>(), view);
    return Expected::value(op.at("as"));
  }
  if (o.is_value) {
    if (name == "value") return Expected::value(protocol::item_to_json(elems[0]));
    if (name == "set_value") {
      std::string kind;
      auto v = convert(o.tc, item(op.at("item")), kind);
      if (!v) return Expected::error(kind);
      elems[0] = *v;
      return Expected::value(nullptr);
    }
    if (name == "raw" || name == "set_raw") return Expected::error("attribute_error");
    return Expected::error("type_error");  // len, get, set, slices: a value is no sequence
  }
  if (name == "value" || name == "set_value" || name == "raw" || name == "set_raw") return c_string(name, op, o);
  if (name == "len") return Expected::value(n);
  if (name == "get" || name == "set") {
    const std::int64_t len = static_cast<std::int64_t>(n), i = op.at("index").get<std::int64_t>();
    if (i < -len || i >= len) return Expected::error("index_error");
    const auto at = static_cast<std::size_t>(i < 0 ? i + len : i);
    if (name == "get") return Expected::value(protocol::item_to_json(elems[at]));
    std::string kind;
    auto v = convert(o.tc, item(op.at("item")), kind);
    if (!v) return Expected::error(kind);
    elems[at] = *v;
    return Expected::value(nullptr);
  }
  if (name == "get_slice" || name == "set_slice") {
    bool step_zero = false;
    const auto idx = slice_indices(op.at("slice"), n, step_zero);
    if (step_zero) return Expected::error("value_error");
    if (name == "get_slice") {
      std::vector<Item> out;
      for (auto i : idx) out.push_back(elems[i]);
      return Expected::value(items_json(out));
    }
    const auto& items = op.at("items");
    if (items.size() != idx.size()) return Expected::error("value_error");
    for (std::size_t k = 0; k < idx.size(); ++k) {  // stops at a bad item, as ctypes does
      std::string kind;
      auto v = convert(o.tc, item(items[k]), kind);
      if (!v) return Expected::error(kind);
      elems[idx[k]] = *v;
    }
    return Expected::value(nullptr);
  }
  throw Unpredictable("the model has no rule for op '" + name + "'");
}

namespace {

std::string differ(const json& e, const json& a) { return "expected " + e.dump() + ", got " + a.dump(); }

// Results of ops that are not items: handles (any name will do), booleans, child reports.
std::string compare_results(const json& e, const json& a) {
  try {
    if (e.is_array() && a.is_array()) {
      if (e.size() != a.size()) return differ(e, a);
      for (std::size_t i = 0; i < e.size(); ++i)
        if (!protocol::same_item(item(e[i]), item(a[i]))) return differ(e, a);
      return "";
    }
    if (e.is_boolean() || a.is_boolean()) return e == a ? "" : differ(e, a);
    if (e.is_string()) return a.is_string() ? "" : differ(e, a);
    if (e.is_object() && e.contains("outcomes")) {  // a child's outcomes, one by one
      if (!a.is_object() || a.value("exit", json()) != e.at("exit") || !a.contains("outcomes") ||
          a.at("outcomes").size() != e.at("outcomes").size())
        return "expected child " + e.dump() + ", got " + a.dump();
      for (std::size_t i = 0; i < e.at("outcomes").size(); ++i) {
        const std::string why =
            compare(harness::Outcome::from_json(e.at("outcomes")[i]), harness::Outcome::from_json(a.at("outcomes")[i]));
        if (!why.empty()) return "in the child, operation " + std::to_string(i + 1) + ": " + why;
      }
      return "";
    }
    return protocol::same_item(item(e), item(a)) ? "" : differ(e, a);
  } catch (const Error&) {
    return differ(e, a) + " (not an item)";
  } catch (const protocol::Violation& b) {
    return differ(e, a) + " (" + b.what() + ")";
  }
}

}  // namespace

std::string compare(const Expected& expected, const harness::Outcome& actual) {
  if (expected.ok != actual.ok) {
    if (expected.ok) return "expected " + expected.result.dump() + ", got " + actual.kind + " (" + actual.type + "): " + actual.message;
    return "expected " + expected.kind + ", got " + actual.result.dump();
  }
  if (!expected.ok) return expected.kind == actual.kind ? "" : "expected " + expected.kind + ", got " + actual.kind + ": " + actual.message;
  return compare_results(expected.result, actual.result);
}

std::string compare(const harness::Outcome& a, const harness::Outcome& b) {
  return compare(a.ok ? Expected::value(a.result) : Expected::error(a.kind), b);
}

}  // namespace shmcheck::properties
