#include "judge.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>

namespace shmcheck::audit {

using harness::Verdict;

namespace {

nlohmann::json integer_range(int size, bool is_signed) {
  const int bits = size * 8;
  if (bits > 64 || bits < 8) return {{"min", nullptr}, {"max", nullptr}};
  if (is_signed) {
    const std::uint64_t max = bits == 64 ? INT64_MAX : (std::uint64_t{1} << (bits - 1)) - 1;
    return {{"min", -static_cast<std::int64_t>(max) - 1}, {"max", max}};
  }
  return {{"min", 0}, {"max", bits == 64 ? UINT64_MAX : (std::uint64_t{1} << bits) - 1}};
}

std::string shown(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// JSON numbers beyond 2^53 lose precision in most readers: the schema takes strings there.
nlohmann::json safe_number(const nlohmann::json& v) {
  constexpr std::uint64_t kExact = std::uint64_t{1} << 53;
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > kExact) return std::to_string(v.get<std::uint64_t>());
  if (v.is_number_integer() && !v.is_number_unsigned()) {
    const auto i = v.get<std::int64_t>();
    if (i > static_cast<std::int64_t>(kExact) || i < -static_cast<std::int64_t>(kExact)) return std::to_string(i);
  }
  return v;
}

const nlohmann::json* scenario(const AbiRun& run, const char* name) {
  if (!run.ok() || !run.obs.probe.contains("scenarios")) return nullptr;
  const auto& s = run.obs.probe["scenarios"];
  // Objects only: whatever else a probe printed is no scenario to read counts from.
  return s.is_object() && s.contains(name) && s[name].is_object() ? &s[name] : nullptr;
}

// ctypes cannot show whether its c_char is a signed char, nor whether an atomic of a C type
// is lock-free; but where ctypes' size and alignment are the native C ABI's, its types are
// that ABI's C types, which the native probe measured. Filled in from there and marked so.
void infer_from_native(nlohmann::json& typecodes, const AbiRun& native) {
  for (auto& [code, e] : typecodes.items()) {
    const nlohmann::json& c = native.obs.probe["typecodes"][code];
    if (e["size"] != c["size"] || e["align"] != c["align"]) continue;
    nlohmann::json inferred = nlohmann::json::array();
    for (const char* f : {"signed", "lock_free"})
      if (e[f].is_null() && c.contains(f)) {
        e[f] = c[f];
        inferred.push_back(f);
      }
    if (!inferred.empty()) e["inferred_from_" + native.name] = inferred;
  }
}

}  // namespace

nlohmann::json expected_typecodes(const AbiConfig& abi, const AuditData& data) {
  const Model& model = data.models.at(abi.model);
  nlohmann::json out = nlohmann::json::object();
  for (const char c : std::string_view(kTypecodes)) {
    const int size = c == 'u' ? abi.wchar_size : model.sizes.at(c);
    const bool is_signed = c == 'c' ? abi.char_signed : c == 'u' ? abi.wchar_signed : data.signed_by_name.at(c);
    const int align = abi.align.count(c) ? abi.align.at(c) : size;
    nlohmann::json e = {{"size", size},
                        {"align", align},
                        {"align_in_struct", abi.align_in_struct.count(c) ? abi.align_in_struct.at(c) : align},
                        {"signed", is_signed}};
    if (data.float_max.count(c)) {
      e["min"] = -data.float_max.at(c);
      e["max"] = data.float_max.at(c);
    } else {
      e.update(integer_range(size, is_signed));
    }
    out[std::string(1, c)] = e;
  }
  return out;
}

nlohmann::json expected_facts(const AbiConfig& abi, const AuditData& data) {
  return {{"wchar_size", abi.wchar_size},
          {"char_signed", abi.char_signed},
          {"endianness", abi.endianness},
          {"pointer_size", data.models.at(abi.model).pointer_size}};
}

Verdict judge_table(const AbiRun& run, const AuditData& data, const AbiRun* control, std::string& message) {
  const AbiConfig& abi = *run.config;
  const auto& got = run.obs.probe["typecodes"];
  const auto& facts = run.obs.probe["facts"];
  std::vector<std::string> wrong;
  const nlohmann::json want = expected_typecodes(abi, data);
  for (const auto& [code, fields] : want.items())
    for (const auto& [field, value] : fields.items())
      if (!got[code].contains(field) || got[code][field] != value)
        wrong.push_back(fmt::format("'{}' {} is {}, the table says {}", code, field,
                                    got[code].contains(field) ? shown(got[code][field]) : "missing", shown(value)));
  const nlohmann::json want_facts = expected_facts(abi, data);  // a named object: items() of a temporary dangles
  for (const auto& [fact, value] : want_facts.items())
    if (!facts.contains(fact) || facts[fact] != value)
      wrong.push_back(fmt::format("{} is {}, the table says {}", fact, facts.contains(fact) ? shown(facts[fact]) : "missing",
                                  shown(value)));
  for (const auto& [code, minimum] : data.cpython_minimum)
    if (got[std::string(1, code)].value("size", 0) < minimum)
      wrong.push_back(fmt::format("'{}' is below CPython's documented minimum of {} bytes", code, minimum));
  std::string control_note;
  if (!abi.control_of.empty()) {
    if (!control || !control->ok()) {
      control_note = "; its control " + abi.control_of + " did not run, so the method was not cross-checked";
    } else {
      for (const char c : std::string_view(kTypecodes)) {
        const std::string code(1, c);
        for (const char* f : {"size", "align", "align_in_struct", "signed", "lock_free"})
          if (got[code][f] != control->obs.probe["typecodes"][code][f])
            wrong.push_back(fmt::format("'{}' {} is {} here and {} in the executed probe of {}", code, f, shown(got[code][f]),
                                        shown(control->obs.probe["typecodes"][code][f]), abi.control_of));
      }
      control_note = "; agrees with the executed probe of " + abi.control_of;
    }
  }
  if (!wrong.empty()) {
    message = fmt::format("{} deviation(s) from the expected table ({}{}): {}", wrong.size(), abi.model,
                          abi.doc.empty() ? "" : ", " + abi.doc, fmt::join(wrong, "; "));
    return Verdict::fail;
  }
  message = fmt::format("matches its expected table: {}{}{}", abi.model, abi.doc.empty() ? "" : ", " + abi.doc, control_note);
  return Verdict::pass;
}

Verdict judge_counter(const AbiRun& run, std::string& message) {
  const nlohmann::json* c = scenario(run, "counter");
  if (!c) {
    message = "the counter scenario did not run: " + run.obs.probe.value("why", nlohmann::json::object()).value("scenarios", "no reason given");
    return Verdict::broken;
  }
  std::vector<std::string> parts, wrong, errors;
  for (const char* mode : {"locked", "atomic", "raw"}) {
    const nlohmann::json m = c->value(mode, nlohmann::json::object());
    const long long expected = m.value("expected", 0LL), observed = m.value("observed", 0LL);
    parts.push_back(fmt::format("{} {}/{}", mode, observed, expected));
    if (m.contains("error")) errors.push_back(fmt::format("{}: {}", mode, m["error"].get<std::string>()));
    else if (std::string(mode) != "raw" && observed != expected)
      wrong.push_back(fmt::format("{} increments lost {} of {}", mode, expected - observed, expected));
  }
  const std::string counts = fmt::format("2 processes, 'q' counter: {}", fmt::join(parts, ", "));
  if (!errors.empty()) {
    message = "the workers could not run: " + fmt::format("{}", fmt::join(errors, "; ")) + " (" + counts + ")";
    return Verdict::broken;
  }
  if (!wrong.empty()) {
    message = fmt::format("{} ({}): a held lock and atomic increments must be exact", fmt::join(wrong, "; "), counts);
    return Verdict::fail;
  }
  message = counts;
  return Verdict::pass;
}

Verdict judge_torn(const AbiRun& run, std::string& message) {
  const nlohmann::json* t = scenario(run, "torn");
  if (!t) {
    message = "the torn-read scenario did not run";
    return Verdict::broken;
  }
  std::vector<std::string> parts;
  for (const auto& [code, m] : t->items()) {
    if (m.contains("error")) {
      message = "the workers for '" + code + "' could not run: " + m["error"].get<std::string>();
      return Verdict::broken;
    }
    parts.push_back(fmt::format("'{}' {} torn of {} reads", code, m.value("torn", 0LL), m.value("reads", 0LL)));
  }
  // Torn plain stores are a property of the ABI (a finding), not a defect of anything.
  message = fmt::format("{}", fmt::join(parts, ", "));
  return Verdict::pass;
}

Verdict judge_cas16(const AbiRun& run, std::string& message) {
  const nlohmann::json* c = scenario(run, "cas16");
  if (!c) {
    message = "the 16-byte CAS scenario did not run";
    return Verdict::broken;
  }
  if (c->contains("error")) {
    message = "the workers could not run: " + (*c)["error"].get<std::string>();
    return Verdict::broken;
  }
  const auto m = measures(run, "cas16_lost"), t = measures(run, "cas16_timeout");
  message = fmt::format("{}{}", m.empty() ? "" : m[0].second.detail, t.empty() || !t[0].second.value ? "" : "; " + t[0].second.detail);
  return Verdict::pass;
}

Verdict judge_cpython(const AbiRun& run, const AbiRun* native, const AuditData& data, std::string& message) {
  if (!native || !native->ok()) {
    message = "the native C ABI was not probed in this run, so there is nothing to compare ctypes with";
    return Verdict::unsupported;
  }
  std::vector<std::string> wrong, missing;
  for (const auto& [code, t] : run.obs.probe["typecodes"].items()) {
    if (t.contains("missing")) {
      missing.push_back(code);
      continue;
    }
    const auto& c = native->obs.probe["typecodes"][code];
    for (const char* f : {"size", "align", "align_in_struct"})
      if (t.value(f, -1) != c.value(f, -2))
        wrong.push_back(fmt::format("'{}' {} is {} in ctypes and {} in C", code, f, t.value(f, -1), c.value(f, -2)));
    if (data.cpython_minimum.count(code[0]) && t.value("size", 0) < data.cpython_minimum.at(code[0]))
      wrong.push_back(fmt::format("'{}' is below the documented minimum", code));
  }
  if (!wrong.empty()) {
    message = fmt::format("ctypes disagrees with the C ABI of {}: {}", native->name, fmt::join(wrong, "; "));
    return Verdict::fail;
  }
  message = fmt::format("ctypes.sizeof, ctypes.alignment and Structure offsets agree with the C ABI of {}{}", native->name,
                        missing.empty() ? "" : fmt::format(" (not sharedctypes typecodes here: {})", fmt::join(missing, " ")));
  return Verdict::pass;
}

nlohmann::json section_entry(const AbiRun& run, const AuditData& data, const AbiRun* native) {
  nlohmann::json typecodes = nlohmann::json::object(), facts = nlohmann::json::object();
  const auto& probe = run.obs.probe;
  for (const auto& [code, t] : probe["typecodes"].items()) {
    if (t.contains("missing")) continue;  // a CPython without 'q': absent, as the report draws it
    nlohmann::json e = {{"ctype", t.value("ctype", std::string("?"))}, {"size", t.at("size")}, {"align", t.at("align")}};
    for (const char* f : {"align_in_struct", "signed", "lock_free"}) e[f] = t.contains(f) ? t[f] : nullptr;
    for (const char* f : {"min", "max"}) e[f] = t.contains(f) ? safe_number(t[f]) : nullptr;
    for (const char* f : {"ctypes_name", "array_itemsize"})
      if (t.contains(f)) e[f] = t[f];
    typecodes[code] = e;
  }
  if (native && run.how == "cpython") infer_from_native(typecodes, *native);
  // The facts the report's table names, null where this method cannot know, then the rest.
  for (const char* f : {"wchar_size", "char_signed", "endianness", "pointer_size", "page_size", "memfd", "shm_open",
                        "robust_mutex", "process_shared_semaphore"})
    facts[f] = nullptr;
  for (const auto& [k, v] : probe["facts"].items())
    if (!v.is_object() && !v.is_array()) facts[k] = v;
  nlohmann::json e = {{"abi", run.name}, {"how", run.how}, {"facts", facts}, {"typecodes", typecodes}};
  if (run.config) {
    e["triple"] = run.config->triple;
    e["model"] = run.config->model;
    if (!run.config->doc.empty()) e["doc"] = run.config->doc;
    e["expected"] = expected_typecodes(*run.config, data);
    for (auto& [code, t] : e["expected"].items())
      for (const char* f : {"min", "max"}) t[f] = safe_number(t[f]);
  } else {
    e["triple"] = probe.value("triple", std::string());
    e["python"] = run.python;
  }
  e["compiler"] = run.obs.compiler;
  if (!run.obs.emulator.empty()) e["emulator"] = run.obs.emulator;
  e["command"] = run.obs.command;
  if (probe.contains("scenarios") && !probe["scenarios"].empty()) e["scenarios"] = probe["scenarios"];
  if (probe.contains("why") && !probe["why"].empty()) e["why"] = probe["why"];
  return e;
}

std::vector<std::pair<std::string, Measure>> measures(const AbiRun& run, const std::string& measure) {
  std::vector<std::pair<std::string, Measure>> out;
  if (measure == "torn") {
    if (const nlohmann::json* t = scenario(run, "torn"))
      for (const char c : std::string_view(kTypecodes)) {  // in typecode order, not the JSON object's
        const std::string code(1, c);
        if (!t->contains(code) || !t->at(code).is_object()) continue;
        const nlohmann::json& m = t->at(code);
        if (!m.contains("error"))
          out.push_back({code, {m.value("torn", 0LL), fmt::format("'{}' {} of {} reads", code, m.value("torn", 0LL), m.value("reads", 0LL))}});
      }
  } else if (measure == "counter_raw_lost") {
    if (const nlohmann::json* c = scenario(run, "counter"); c && c->contains("raw") && !c->at("raw").contains("error")) {
      const long long expected = c->at("raw").value("expected", 0LL), observed = c->at("raw").value("observed", 0LL);
      out.push_back({"", {expected - observed, fmt::format("{} of {} lost", expected - observed, expected)}});
    }
  } else if (measure == "cas16_lost" || measure == "cas16_timeout") {
    if (const nlohmann::json* c = scenario(run, "cas16"); c && !c->contains("error")) {
      const long long completed = c->value("completed", 0LL), attempted = c->value("attempted", 0LL);
      const auto lo = c->value("observed_lo", 0ULL), hi = c->value("observed_hi", 0ULL);
      const long long lost = completed - static_cast<long long>(lo);
      if (measure == "cas16_lost")
        out.push_back({"", {lost != 0 || lo != hi ? std::max(1LL, lost) : 0,
                            fmt::format("{} of {} completed updates lost{}, {}", lost, completed,
                                        lo != hi ? fmt::format(", halves disagree ({} vs {})", lo, hi) : "",
                                        c->value("lock_free", false) ? "lock-free" : "not lock-free")}});
      else
        out.push_back({"", {c->value("timed_out", false) ? 1 : 0,
                            fmt::format("{} of {} updates done before the deadline", completed, attempted)}});
    }
  }
  return out;
}

}  // namespace shmcheck::audit
