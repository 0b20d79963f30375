#include "spec/spec_suite.hpp"

#include "item_json.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/object.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <map>

namespace shmcheck::harness {
namespace {

using nlohmann::json;

// What a step produced: nothing, an item, a list of items, or a plain JSON value (len, bool).
struct Outcome {
  enum { nothing, item, items, plain } kind = nothing;
  Item one;
  std::vector<Item> many;
  json value;
};

std::optional<std::int64_t> opt_int(const json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<std::int64_t>();
}

Slice slice_of(const json& j) {
  if (!j.is_array() || j.size() != 3) throw ValueError("a slice is [start, stop, step], got " + j.dump());
  return Slice{opt_int(j[0]), opt_int(j[1]), opt_int(j[2])};
}

std::vector<Item> items_of(const json& j) {
  std::vector<Item> out;
  for (const auto& e : j) out.push_back(item_from_json(e));
  return out;
}

std::string show(const Outcome& o) {
  switch (o.kind) {
    case Outcome::nothing: return "nothing";
    case Outcome::item: return o.one.repr();
    case Outcome::plain: return o.value.dump();
    case Outcome::items: {
      std::string s = "[";
      for (std::size_t i = 0; i < o.many.size(); ++i) s += (i ? ", " : "") + o.many[i].repr();
      return s + "]";
    }
  }
  return "?";
}

bool matches(const Outcome& o, const json& expected) {
  switch (o.kind) {
    case Outcome::nothing: return false;
    case Outcome::item: return o.one == item_from_json(expected);
    case Outcome::items: return expected.is_array() && o.many == items_of(expected);
    case Outcome::plain: return o.value == expected;
  }
  return false;
}

class Interpreter {
 public:
  Outcome step(const json& s) {
    if (s.contains("make")) return make(s);
    const std::string op = s.at("op");
    Object& obj = named(s.at("on"));
    if (op == "value") return item(obj.value());
    if (op == "set_value") return obj.set_value(item_from_json(s.at("item"))), Outcome{};
    if (op == "raw") return item(obj.raw());
    if (op == "set_raw") return obj.set_raw(item_from_json(s.at("item"))), Outcome{};
    if (op == "get") return item(obj.get(s.at("index").get<std::int64_t>()));
    if (op == "set") return obj.set(s.at("index").get<std::int64_t>(), item_from_json(s.at("item"))), Outcome{};
    if (op == "get_slice") return list(obj.get(slice_of(s.at("slice"))));
    if (op == "set_slice") return obj.set(slice_of(s.at("slice")), items_of(s.at("items"))), Outcome{};
    if (op == "len") return plain(obj.length());
    if (op == "get_lock") return obj.get_lock(), Outcome{};
    if (op == "get_obj") return bind(s, obj.get_obj());
    if (op == "copy") return bind(s, copy(obj));
    if (op == "synchronized") return bind(s, synchronized(obj));
    if (op == "acquire") return plain(obj.get_lock().acquire());
    if (op == "release") return obj.get_lock().release(), Outcome{};
    if (op == "same_lock") return plain(obj.get_lock() == named(s.at("other")).get_lock());
    if (op == "drop") return objects_.erase(s.at("on").get<std::string>()), Outcome{};
    throw ValueError("unknown op '" + op + "'");
  }

 private:
  static Outcome item(Item i) { return {Outcome::item, std::move(i), {}, {}}; }
  static Outcome list(std::vector<Item> v) { return {Outcome::items, {}, std::move(v), {}}; }
  static Outcome plain(json j) { return {Outcome::plain, {}, {}, std::move(j)}; }

  Object& named(const json& name) {
    auto it = objects_.find(name.get<std::string>());
    if (it == objects_.end()) throw ValueError("no object named '" + name.get<std::string>() + "'");
    return it->second;
  }

  Outcome bind(const json& s, Object o) {
    if (s.contains("as")) objects_.insert_or_assign(s.at("as").get<std::string>(), std::move(o));
    return {};
  }

  Outcome make(const json& s) {
    const std::string what = s.at("make");
    const std::string tc = s.at("tc");
    if (tc.size() != 1) typecode(std::string_view(tc));  // throws the TypeError naming it
    const bool raw = what.rfind("raw", 0) == 0;
    const LockPolicy lock = raw ? LockPolicy::none()
                            : s.contains("lock_of") ? LockPolicy::shared(named(s.at("lock_of")).get_lock())
                                                    : LockPolicy::own();
    if (what == "value" || what == "rawvalue")
      return bind(s, make_value(tc[0], s.contains("init") ? item_from_json(s.at("init")) : Item(), lock));
    if (what == "array" || what == "rawarray") {
      if (s.contains("init")) return bind(s, make_array(tc[0], items_of(s.at("init")), lock));
      return bind(s, make_array(tc[0], s.at("size").get<std::int64_t>(), lock));
    }
    throw ValueError("unknown make '" + what + "'");
  }

  std::map<std::string, Object> objects_;
};

// Returns "" when the step behaved as its expectation says, else what went wrong.
std::string check_step(Interpreter& in, const json& s) {
  const std::string raises = s.value("raises", "");
  try {
    Outcome o = in.step(s);
    if (!raises.empty()) return fmt::format("expected {} but it succeeded ({})", raises, show(o));
    if (s.contains("expect") && !matches(o, s.at("expect")))
      return fmt::format("expected {} but got {}", s.at("expect").dump(), show(o));
    return "";
  } catch (const Error& e) {
    const std::string kind(to_string(e.kind()));
    if (raises.empty()) return fmt::format("unexpected {}: {}", kind, e.what());
    if (kind != raises) return fmt::format("expected {} but got {}: {}", raises, kind, e.what());
    if (s.contains("message") && s.at("message").get<std::string>() != e.what())
      return fmt::format("{} with message '{}', expected '{}'", kind, e.what(), s.at("message").get<std::string>());
    return "";
  }
}

std::uint64_t splitmix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Values that a cell must store and read back unchanged, and (stored, read) pairs that wrap.
struct CellValues {
  std::vector<Item> exact;
  std::vector<std::pair<Item, Item>> wraps;
};

CellValues cell_values(const Typecode& tc, std::uint64_t& rng) {
  CellValues v;
  switch (tc.kind) {
    case TypeKind::signed_int:
    case TypeKind::unsigned_int: {
      v.exact = {Item(tc.min), Item(tc.max)};
      const auto span = static_cast<unsigned __int128>(tc.max - tc.min);
      for (int k = 0; k < 2; ++k) v.exact.push_back(Item(tc.min + static_cast<Int>(splitmix(rng) % (span + 1))));
      v.wraps = {{Item(tc.max + 1), Item(tc.min)}, {Item(tc.min - 1), Item(tc.max)}};
      break;
    }
    case TypeKind::floating: {
      v.exact = {Item(-tc.float_max), Item(tc.float_max), Item(-0.0)};
      const std::uint64_t bits = splitmix(rng);
      if (tc.size == sizeof(float)) {
        float f;
        std::uint32_t b = static_cast<std::uint32_t>(bits) & 0xbf7fffffu;  // keep it finite
        std::memcpy(&f, &b, sizeof f);
        v.exact.push_back(Item(static_cast<double>(f)));
        v.wraps = {{Item(1e300), Item(std::numeric_limits<double>::infinity())}};
      } else {
        double d;
        std::uint64_t b = bits & 0xbfefffffffffffffULL;
        std::memcpy(&d, &b, sizeof d);
        v.exact.push_back(Item(d));
      }
      break;
    }
    case TypeKind::bytes_char:
      v.exact = {Item::bytes(std::string(1, '\xff')), Item::bytes(std::string(1, static_cast<char>(splitmix(rng) % 256)))};
      v.wraps = {{Item(66), Item::bytes("B")}};
      break;
    case TypeKind::wide_char:
      v.exact = {Item::str(U"\u00ff"), Item::str(std::u32string(1, static_cast<char32_t>(1 + splitmix(rng) % 0xd7ff)))};
      if (tc.size == 4) v.exact.push_back(Item::str(U"\U0001F600"));
      break;
  }
  return v;
}

}  // namespace

std::vector<SpecCase> load_clauses(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ValueError("cannot read clauses file " + path);
  json doc;
  try {
    doc = json::parse(in);
  } catch (const json::exception& e) {
    throw ValueError("clauses file " + path + " is not valid JSON: " + e.what());
  }
  std::vector<SpecCase> out;
  for (const auto& c : doc.at("cases")) {
    if (!c.contains("id") || !c.contains("steps") || !c.at("steps").is_array())
      throw ValueError("clauses file " + path + ": a case needs an id and a list of steps: " + c.dump().substr(0, 200));
    out.push_back({c.at("id"), c.value("source", ""), c.value("platform", ""), c.at("steps")});
  }
  return out;
}

std::vector<SpecCase> generate_matrix(std::uint64_t seed) {
  std::vector<SpecCase> out;
  for (const Typecode& tc : typecodes()) {
    for (const char* shape : {"value", "array"}) {
      for (const bool raw : {false, true}) {
        std::uint64_t rng = seed ^ (static_cast<std::uint64_t>(tc.code) << 32) ^ (raw ? 1 : 0) ^ (shape[0] == 'a' ? 2 : 0);
        const CellValues vals = cell_values(tc, rng);
        const std::string make = std::string(raw ? "raw" : "") + shape;
        const bool array = shape[0] == 'a';
        json steps = json::array();
        json make_step = {{"make", make}, {"tc", std::string(1, tc.code)}, {"as", "o"}};
        if (array) make_step["size"] = 3;
        steps.push_back(make_step);
        auto read = [&](const Item& expect) {
          return array ? json{{"op", "get"}, {"on", "o"}, {"index", -1}, {"expect", item_to_json(expect)}}
                       : json{{"op", "value"}, {"on", "o"}, {"expect", item_to_json(expect)}};
        };
        auto write = [&](const Item& v) {
          return array ? json{{"op", "set"}, {"on", "o"}, {"index", 2}, {"item", item_to_json(v)}}
                       : json{{"op", "set_value"}, {"on", "o"}, {"item", item_to_json(v)}};
        };
        steps.push_back(read(zero_item(tc)));
        for (const Item& v : vals.exact) steps.push_back(write(v)), steps.push_back(read(v));
        for (const auto& [stored, back] : vals.wraps) steps.push_back(write(stored)), steps.push_back(read(back));
        out.push_back({fmt::format("matrix-{}-{}-{}", tc.code, shape, raw ? "raw" : "locked"), "generated: §2.1 sizes, §3 wrap", "", steps});
      }
    }
  }
  return out;
}

CaseResult run_spec_case(const SpecCase& c) {
  CaseResult r{"spec", c.id, c.source, Verdict::pass, "", "", 0};
  const auto t0 = std::chrono::steady_clock::now();
  if (c.platform == "lp64" && sizeof(long) != 8) {
    r.verdict = Verdict::unsupported;
    r.message = "needs an LP64 platform (sizeof(long) == 8)";
    return r;
  }
  Interpreter in;
  std::size_t n = 0;
  for (const json& s : c.steps) {
    ++n;
    std::string why;
    try {
      why = check_step(in, s);
    } catch (const std::exception& e) {  // a malformed step, not a semantic failure
      r.verdict = Verdict::broken;
      r.message = fmt::format("step {} ({}) is malformed: {}", n, s.dump(), e.what());
      break;
    }
    if (!why.empty()) {
      r.verdict = Verdict::fail;
      r.message = fmt::format("step {} {}: {}", n, s.dump(), why);
      break;
    }
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace shmcheck::harness
