#include "spec_suite.hpp"

#include <shmcheck/harness/replay.hpp>
#include <shmcheck/protocol/error_kinds.hpp>
#include <shmcheck/protocol/item_codec.hpp>

#include <shmcheck/error.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

namespace shmcheck::spec {

using harness::Broken;
using harness::Outcome;
using harness::Verdict;
using protocol::item_from_json;
using protocol::item_to_json;
using protocol::is_error_kind;
using protocol::parse_message;

namespace {

using nlohmann::json;

// The annotations a step carries besides its operation.
const char* const kAnnotations[] = {"expect", "raises", "message"};

nlohmann::json operation_of(const json& step) {
  json op = step;
  for (const char* k : kAnnotations) op.erase(k);
  return op;
}

// Compares a result with the step's expectation: items as the protocol compares them (so 3
// and 3.5 differ, and 3 for an expected 3.0 is the same item: only float typecodes expect
// floats), lists of items element by element, anything else as JSON.
bool matches(const std::string& op, const json& result, const json& expected) {
  try {
    if (op == "get" || op == "value" || op == "raw") return protocol::same_item(item_from_json(result), item_from_json(expected));
    if (op == "get_slice") {
      if (!result.is_array() || !expected.is_array() || result.size() != expected.size()) return false;
      for (std::size_t i = 0; i < result.size(); ++i)
        if (!protocol::same_item(item_from_json(result[i]), item_from_json(expected[i]))) return false;
      return true;
    }
  } catch (const Error&) {
    return false;  // the implementation answered something that is not an item
  }
  return result == expected;
}

// "" when the outcome is what the step expects; else what went wrong. A different message
// for the right error kind is reported in `note`, not failed: kinds are the semantics,
// wordings differ between versions.
std::string judge_step(const json& step, const Outcome& o, std::string& note) {
  const std::string raises = step.value("raises", "");
  const std::string op = step.value("op", "");
  if (o.ok) {
    if (!raises.empty()) return fmt::format("expected {} but it succeeded with {}", raises, o.result.dump());
    if (step.contains("expect") && !matches(op, o.result, step.at("expect")))
      return fmt::format("expected {} but got {}", step.at("expect").dump(), o.result.dump());
    return "";
  }
  if (raises.empty()) return fmt::format("unexpected {} ({}): {}", o.kind, o.type, o.message);
  if (o.kind != raises) return fmt::format("expected {} but got {} ({}): {}", raises, o.kind, o.type, o.message);
  if (step.contains("message") && step.at("message").get<std::string>() != o.message)
    note += fmt::format("{}{}: message '{}', CPython 3.11 says '{}'", note.empty() ? "" : "; ", op, o.message,
                        step.at("message").get<std::string>());
  return "";
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
      const auto span = static_cast<UInt>(tc.max - tc.min);
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

// A clause file is input: everything the suite reads from it is checked here, so that a bad
// one is a clear error naming the case and step (exit 2), never an exception deep in a run.
void check_case(const json& c, const std::string& where) {
  auto bad = [&](const std::string& why) { throw ValueError(where + ": " + why + ": " + c.dump().substr(0, 200)); };
  if (!c.is_object()) bad("a case is an object");
  if (!c.contains("id") || !c.at("id").is_string() || c.at("id").get<std::string>().empty()) bad("'id' must be a non-empty string");
  if (!c.contains("steps") || !c.at("steps").is_array()) bad("'steps' must be a list");
  for (const char* key : {"source", "platform"})
    if (c.contains(key) && !c.at(key).is_string()) bad(std::string("'") + key + "' must be a string");
  const std::string platform = c.value("platform", "");
  if (!platform.empty() && platform != "lp64") bad("'platform' is \"lp64\" or absent");
}

void check_step(const json& s, const std::string& where) {
  auto bad = [&](const std::string& why) { throw ValueError(where + ": " + why + ": " + s.dump().substr(0, 200)); };
  if (!s.is_object()) bad("a step is an object");
  if (!s.contains("op") || !s.at("op").is_string()) bad("'op' must be a string");
  for (const char* key : {"tc", "obj", "as", "message"})
    if (s.contains(key) && !s.at(key).is_string()) bad(std::string("'") + key + "' must be a string");
  if (s.contains("raises") && !(s.at("raises").is_string() && is_error_kind(s.at("raises").get<std::string>())))
    bad("'raises' must be an error kind (index_error, type_error, ...)");
  if (s.contains("message") && !s.contains("raises")) bad("'message' belongs to a step that 'raises'");
  if (s.contains("expect") && s.contains("raises")) bad("a step 'expect's a result or 'raises', not both");
  if (!s.contains("expect")) return;
  // Expectations are compared as items (matches()): they must be items.
  const std::string op = s.at("op");
  const json& e = s.at("expect");
  try {
    if (op == "get" || op == "value" || op == "raw") item_from_json(e);
    if (op == "get_slice") {
      if (!e.is_array()) bad("'expect' of get_slice must be a list of items");
      for (const json& i : e) item_from_json(i);
    }
  } catch (const Error& err) {
    bad(std::string("'expect' is not an item (") + err.what() + ")");
  }
}

}  // namespace

std::vector<SpecCase> load_clauses(const std::string& path) {
  // A directory opens as a stream and fails only on reading, with std::ios_base::failure.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw ValueError("clauses file " + path + " is a directory, not a file");
  std::ifstream in(path);
  if (!in) throw ValueError("cannot read clauses file " + path);
  std::string text;
  try {
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::ios_base::failure& e) {
    throw ValueError("cannot read clauses file " + path + ": " + e.what());
  }
  json doc;
  try {
    doc = parse_message(text, true);  // a bare big int in a clause is an int, as on the wire
  } catch (const json::exception& e) {
    throw ValueError("clauses file " + path + " is not valid JSON: " + e.what());
  } catch (const ValueError& e) {  // nested deeper than the protocol allows
    throw ValueError("clauses file " + path + ": " + e.what());
  }
  if (!doc.is_object() || !doc.contains("cases") || !doc.at("cases").is_array())
    throw ValueError("clauses file " + path + " needs an object with a list 'cases'");
  std::vector<SpecCase> out;
  std::set<std::string> ids;
  for (std::size_t n = 0; n < doc.at("cases").size(); ++n) {
    const json& c = doc.at("cases")[n];
    const std::string where = fmt::format("clauses file {}: case {}", path, n + 1);
    check_case(c, where);
    const std::string id = c.at("id");
    if (!ids.insert(id).second) throw ValueError(where + ": a second case with id '" + id + "'");
    for (std::size_t k = 0; k < c.at("steps").size(); ++k)
      check_step(c.at("steps")[k], fmt::format("{} ('{}') step {}", where, id, k + 1));
    out.push_back({id, c.value("source", ""), c.value("platform", ""), c.at("steps"), std::nullopt});
  }
  return out;
}

namespace {

// The typecode as an implementation with these sizes has it: an integer's range and a wide
// character's size follow its reported size; everything else is the typecode's.
Typecode as_reported(const Typecode& host, const std::map<char, std::pair<int, int>>& sizes) {
  Typecode tc = host;
  const auto it = sizes.find(host.code);
  if (it == sizes.end() || it->second.first <= 0 || static_cast<std::size_t>(it->second.first) == host.size) return tc;
  tc.size = static_cast<std::size_t>(it->second.first);
  if (tc.is_integer() && tc.size <= 8) {
    const int bits = static_cast<int>(tc.size) * 8;
    tc.min = tc.is_signed ? -(static_cast<Int>(1) << (bits - 1)) : Int(0);
    tc.max = tc.is_signed ? (static_cast<Int>(1) << (bits - 1)) - 1 : (static_cast<Int>(1) << bits) - 1;
  } else if (tc.kind == TypeKind::wide_char && tc.size <= 4) {
    tc.min = 0;
    tc.max = tc.size == 2 ? 0xffff : 0x10ffff;
  }
  return tc;
}

}  // namespace

json matrix_steps(const MatrixCell& cell, const std::map<char, std::pair<int, int>>& sizes) {
  const Typecode tc = as_reported(typecode(cell.code), sizes);
  const char* shape = cell.array ? "array" : "value";
  std::uint64_t rng = cell.seed ^ (static_cast<std::uint64_t>(tc.code) << 32) ^ (cell.raw ? 1 : 0) ^ (cell.array ? 2 : 0);
  const CellValues vals = cell_values(tc, rng);
  json steps = json::array();
  json make_step = {{"op", "create"}, {"shape", shape}, {"tc", std::string(1, tc.code)}, {"lock", cell.raw ? "none" : "own"}, {"as", "o"}};
  if (cell.array) make_step["size"] = 3;
  steps.push_back(make_step);
  auto read = [&](const Item& expect) {
    return cell.array ? json{{"op", "get"}, {"obj", "o"}, {"index", -1}, {"expect", item_to_json(expect)}}
                      : json{{"op", "value"}, {"obj", "o"}, {"expect", item_to_json(expect)}};
  };
  auto write = [&](const Item& v) {
    return cell.array ? json{{"op", "set"}, {"obj", "o"}, {"index", 2}, {"item", item_to_json(v)}}
                      : json{{"op", "set_value"}, {"obj", "o"}, {"item", item_to_json(v)}};
  };
  steps.push_back(read(zero_item(tc)));
  for (const Item& v : vals.exact) steps.push_back(write(v)), steps.push_back(read(v));
  for (const auto& [stored, back] : vals.wraps) steps.push_back(write(stored)), steps.push_back(read(back));
  return steps;
}

std::vector<SpecCase> generate_matrix(std::uint64_t seed) {
  std::vector<SpecCase> out;
  for (const Typecode& tc : typecodes())
    for (const bool array : {false, true})
      for (const bool raw : {false, true}) {
        const MatrixCell cell{tc.code, array, raw, seed};
        out.push_back({fmt::format("matrix-{}-{}-{}", tc.code, array ? "array" : "value", raw ? "raw" : "locked"),
                       "generated: §2.1 sizes, §3 wrap", "", matrix_steps(cell, {}), cell});
      }
  return out;
}

CaseResult run_spec_case(const SpecCase& c, Implementation& impl) {
  CaseResult r;
  r.suite = "spec";
  r.id = c.id;
  r.source = c.source;
  const auto t0 = std::chrono::steady_clock::now();
  auto done = [&] {
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
  };
  if (c.platform == "lp64" && impl.describe().capabilities.sizes.count('l') &&
      impl.describe().capabilities.sizes.at('l').first != 8) {
    r.verdict = Verdict::unsupported;
    r.message = "needs an LP64 platform (8-byte long)";
    return done();
  }
  // Every typecode the case uses must be one the implementation has.
  for (const json& s : c.steps)
    if (s.value("op", "") == "create" && s.contains("tc") && !s.contains("raises")) {
      const std::string tc = s.at("tc");
      if (tc.size() == 1 && impl.describe().capabilities.typecodes.find(tc[0]) == std::string::npos) {
        r.verdict = Verdict::unsupported;
        r.message = "the implementation has no typecode '" + tc + "'";
        return done();
      }
    }
  const json steps = c.cell ? matrix_steps(*c.cell, impl.describe().capabilities.sizes) : c.steps;
  json ops = json::array();
  for (const json& s : steps) ops.push_back(operation_of(s));
  std::vector<Outcome> outcomes;
  try {
    outcomes = impl.run(ops);  // the whole case in one round trip
  } catch (const Broken& e) {
    r.verdict = Verdict::broken;
    r.message = reason_with_stderr(e);
    r.implementation_broke = true;  // unlike a refused request below: the caller restarts it
    return done();
  }
  std::string note;
  for (std::size_t n = 0; n < steps.size(); ++n) {
    const Outcome& o = outcomes.at(n);
    if (!o.ok && o.kind == "unsupported") {
      r.verdict = Verdict::unsupported;
      r.message = fmt::format("step {}: {}", n + 1, o.message);
      return done();
    }
    if (!o.ok && o.type == "ProtocolError") {
      // The clause asked something the protocol does not allow (an unknown handle, a missing
      // argument): this case cannot be run, but the implementation is fine.
      r.verdict = Verdict::broken;
      r.message = fmt::format("step {} {} was refused as malformed: {}", n + 1, ops[n].dump(), o.message);
      return done();
    }
    const std::string why = judge_step(steps[n], o, note);
    if (!why.empty()) {
      r.verdict = Verdict::fail;
      r.message = fmt::format("step {} {}: {}", n + 1, ops[n].dump(), why);
      return done();
    }
  }
  r.message = note;
  return done();
}

SpecSuite::SpecSuite(const SpecSettings& settings) : settings_(settings), cases_(load_clauses(settings.clauses)) {
  for (auto& c : generate_matrix(settings.seed)) cases_.push_back(std::move(c));
  if (!settings.cases.empty()) {
    const std::set<std::string> wanted(settings.cases.begin(), settings.cases.end());
    std::erase_if(cases_, [&](const SpecCase& c) { return !wanted.contains(c.id); });
    if (cases_.size() != wanted.size()) throw ValueError("some --case ids name no case of the spec suite");
  }
}

std::vector<harness::CaseInfo> SpecSuite::cases() const {
  std::vector<harness::CaseInfo> out;
  for (const auto& c : cases_) out.push_back({"spec", c.id, c.source});
  return out;
}

std::string SpecSuite::replay_arguments(const harness::Subject& s, const harness::CaseInfo& c) const {
  return fmt::format("run --impl {} --suite spec --case {} --seed {}", harness::shell_word(s.label), c.id, settings_.seed);
}

harness::Judged SpecSuite::run(harness::Session& session, const harness::CaseInfo& c, harness::Results&) {
  for (const auto& spec_case : cases_)
    if (spec_case.id == c.id) return {run_spec_case(spec_case, *session.impls.at(0))};
  throw ValueError("no spec case '" + c.id + "'");
}

}  // namespace shmcheck::spec
