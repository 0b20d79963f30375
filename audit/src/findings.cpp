#include "findings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace shmcheck::audit {
namespace {

struct Group {
  std::vector<std::string> abis, codes, details;
  nlohmann::json value, base;
  bool all_emulated = true;
  void add(const AbiRun& run) {
    if (std::find(abis.begin(), abis.end(), run.name) == abis.end()) abis.push_back(run.name);
    all_emulated = all_emulated && run.emulated();
  }
  void add_code(const std::string& c) {
    if (std::find(codes.begin(), codes.end(), c) == codes.end()) codes.push_back(c);
  }
};

std::string word(const nlohmann::json& rule, const nlohmann::json& v) {
  const std::string key = v.is_string() ? v.get<std::string>() : v.dump();
  if (rule.contains("words") && rule["words"].contains(key)) return rule["words"][key].get<std::string>();
  return key;
}

// The OS's own reasons: one when all agree, else each with its ABI.
std::string details_text(const Group& g) {
  std::set<std::string> distinct;
  for (const auto& d : g.details) distinct.insert(d.substr(d.find(": ") + 2));
  if (distinct.size() == 1 && g.details.size() == g.abis.size()) return *distinct.begin();
  return fmt::format("{}", fmt::join(g.details, "; "));
}

bool holds(const nlohmann::json& rule, const nlohmann::json& v, const nlohmann::json& base) {
  const std::string test = rule.at("test").get<std::string>();
  if (v.is_null()) return false;
  if (test == "equals") return v == rule.at("value");
  if (test == "present") return true;
  if (test == "differs") return !base.is_null() && v != base;
  if (test == "less_than_baseline") return v.is_number() && base.is_number() && v < base;
  return false;
}

nlohmann::json finding(const nlohmann::json& rule, Group g, const std::string& baseline,
                       std::map<std::string, std::string> vars = {}) {
  std::sort(g.codes.begin(), g.codes.end(), [](const std::string& a, const std::string& b) {
    return std::string_view(kTypecodes).find(a[0]) < std::string_view(kTypecodes).find(b[0]);
  });
  vars.emplace("abis", fmt::format("{}", fmt::join(g.abis, ", ")));
  vars.emplace("codes", code_list(g.codes));
  vars.emplace("value", g.value.is_null() ? "" : word(rule, g.value));
  vars.emplace("baseline_value", g.base.is_null() ? "unknown" : word(rule, g.base));
  vars.emplace("baseline", baseline);
  vars.emplace("detail", details_text(g));
  std::string text = fill(rule.at("text").get<std::string>(), vars);
  const bool has_baseline = std::find(g.abis.begin(), g.abis.end(), baseline) != g.abis.end();
  if (rule.contains("emulated_note") && g.all_emulated && !has_baseline)
    text += " " + fill(rule["emulated_note"].get<std::string>(), vars);
  nlohmann::json f = {{"abis", g.abis},
                      {"typecode", g.codes.empty() ? nlohmann::json(nullptr) : nlohmann::json(g.codes.front())},
                      {"severity", rule.at("severity")},
                      {"text", text}};
  if (g.codes.size() > 1) f["typecodes"] = g.codes;
  if (rule.contains("id")) f["rule"] = rule["id"];
  return f;
}

using Covered = std::set<std::tuple<std::string, std::string, std::string>>;  // abi, typecode or "", field or fact

// A rule that explains a fact as well (char's signedness is also the fact char_signed).
void cover_facts(Covered& covered, const nlohmann::json& rule, const Group& g) {
  for (const auto& fact : rule.value("facts_covered", std::vector<std::string>{}))
    for (const auto& abi : g.abis) covered.insert({abi, "", fact});
}

const nlohmann::json& tc(const AbiRun& r, const std::string& code) { return r.obs.probe["typecodes"][code]; }
const nlohmann::json& facts(const AbiRun& r) { return r.obs.probe["facts"]; }

nlohmann::json fact_of(const AbiRun& r, const std::string& name) {
  return facts(r).contains(name) ? facts(r)[name] : nlohmann::json(nullptr);
}

}  // namespace

std::string code_list(const std::vector<std::string>& codes) {
  std::string s;
  for (std::size_t i = 0; i < codes.size(); ++i)
    s += (i == 0 ? "" : i + 1 == codes.size() ? " and " : ", ") + ("`" + codes[i] + "`");
  return s;
}

std::string fill(std::string text, const std::map<std::string, std::string>& vars) {
  for (const auto& [k, v] : vars) {
    const std::string key = "{" + k + "}";
    // Searching on after each replacement: a value may itself contain braces.
    for (std::size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + v.size())) text.replace(at, key.size(), v);
  }
  return text;
}

std::vector<nlohmann::json> abi_findings(const std::vector<const AbiRun*>& runs, const AbiRun& baseline,
                                         const nlohmann::json& rules) {
  std::vector<nlohmann::json> out;
  Covered covered;
  for (const auto& rule : rules.at("rules")) {
    if (rule.contains("measure")) {
      // Observations, not deviations: every ABI (the baseline too) where the test holds.
      Group g;
      for (const AbiRun* run : runs) {
        std::vector<std::string> hits;
        for (const auto& [code, m] : measures(*run, rule["measure"].get<std::string>())) {
          const bool allowed = !rule.contains("typecodes") ||
                               std::find(rule["typecodes"].begin(), rule["typecodes"].end(), code) != rule["typecodes"].end();
          if (allowed && (rule["test"] == "positive" ? m.value > 0 : m.value == 0)) {
            if (!code.empty()) g.add_code(code);
            hits.push_back(m.detail);
          }
        }
        if (hits.empty()) continue;
        g.add(*run);
        g.details.push_back(run->name + ": " + fmt::format("{}", fmt::join(hits, ", ")));
      }
      if (!g.abis.empty()) out.push_back(finding(rule, g, baseline.name, {{"detail", fmt::format("{}", fmt::join(g.details, "; "))}}));
    } else if (rule.contains("fact")) {
      const std::string name = rule["fact"].get<std::string>();
      std::map<std::string, Group> groups;
      for (const AbiRun* run : runs) {
        const nlohmann::json v = fact_of(*run, name), b = fact_of(baseline, name);
        if (!holds(rule, v, b)) continue;
        bool conditions = true;
        const nlohmann::json only_if = rule.value("only_if", nlohmann::json::object());
        for (const auto& [other, want] : only_if.items())
          conditions = conditions && fact_of(*run, other) == want;
        if (!conditions) continue;
        covered.insert({run->name, "", name});
        Group& g = groups[v.dump()];
        g.value = v;
        g.base = b;
        g.add(*run);
        const auto& why = run->obs.probe.value("why", nlohmann::json::object());
        const std::string why_key = rule.value("why", name);  // the probe's reason may be filed under a related fact
        if (why.contains(why_key)) g.details.push_back(run->name + ": " + why[why_key].get<std::string>());
      }
      for (const auto& [key, g] : groups) {
        cover_facts(covered, rule, g);
        out.push_back(finding(rule, g, baseline.name));
      }
    } else {
      std::map<std::pair<std::string, std::string>, Group> groups;  // (codes, value)
      for (const AbiRun* run : runs) {
        std::vector<std::string> codes;
        nlohmann::json value, base;
        for (const auto& code_j : rule.at("typecodes")) {
          const std::string code = code_j.get<std::string>();
          for (const auto& field_j : rule.at("fields")) {
            const std::string field = field_j.get<std::string>();
            const nlohmann::json v = tc(*run, code).value(field, nlohmann::json()), b = tc(baseline, code).value(field, nlohmann::json());
            if (!holds(rule, v, b)) continue;
            covered.insert({run->name, code, field});
            if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(code);
            if (value.is_null()) value = v, base = b;
          }
        }
        if (codes.empty()) continue;
        Group& g = groups[{fmt::format("{}", fmt::join(codes, "")), value.dump()}];
        g.codes = codes;
        g.value = value;
        g.base = base;
        g.add(*run);
      }
      for (const auto& [key, g] : groups) {
        cover_facts(covered, rule, g);
        out.push_back(finding(rule, g, baseline.name));
      }
    }
  }
  // Whatever no rule explained still differs: the generic wording, grouped the same way.
  std::map<std::tuple<std::string, std::string, std::string, std::string>, Group> typecode_groups;
  for (const AbiRun* run : runs) {
    if (run == &baseline) continue;
    std::map<std::tuple<std::string, std::string, std::string>, std::vector<std::string>> codes_of;
    for (const char c : std::string_view(kTypecodes)) {
      const std::string code(1, c);
      for (const char* field : {"ctype", "size", "align", "align_in_struct", "signed", "lock_free"}) {
        const nlohmann::json v = tc(*run, code).value(field, nlohmann::json()), b = tc(baseline, code).value(field, nlohmann::json());
        if (v.is_null() || b.is_null() || v == b || covered.count({run->name, code, field})) continue;
        codes_of[{field, v.dump(), b.dump()}].push_back(code);
      }
    }
    for (const auto& [key, codes] : codes_of) {
      const auto& [field, v, b] = key;
      Group& g = typecode_groups[{field, v, b, fmt::format("{}", fmt::join(codes, ""))}];
      g.codes = codes;
      g.value = nlohmann::json::parse(v);
      g.base = nlohmann::json::parse(b);
      g.add(*run);
    }
  }
  const nlohmann::json& generic = rules.at("generic");
  for (const auto& [key, g] : typecode_groups)
    out.push_back(finding(generic.at("typecode"), g, baseline.name, {{"field", std::get<0>(key)}}));
  std::map<std::tuple<std::string, std::string, std::string>, Group> fact_groups;
  for (const AbiRun* run : runs) {
    if (run == &baseline) continue;
    for (const auto& [name, v] : facts(*run).items()) {
      const nlohmann::json b = fact_of(baseline, name);
      if (v.is_null() || b.is_null() || v.is_object() || v == b || covered.count({run->name, "", name})) continue;
      Group& g = fact_groups[{name, v.dump(), b.dump()}];
      g.value = v;
      g.base = b;
      g.add(*run);
    }
  }
  for (const auto& [key, g] : fact_groups) out.push_back(finding(generic.at("fact"), g, baseline.name, {{"field", std::get<0>(key)}}));
  return out;
}

std::vector<nlohmann::json> cpython_findings(const std::vector<const AbiRun*>& cpythons, const AbiRun& native,
                                             const nlohmann::json& rules) {
  const nlohmann::json& r = rules.at("cpython");
  std::vector<nlohmann::json> out;
  std::map<std::string, Group> missing, itemsize;
  Group agree;
  const std::map<std::string, std::string> vars = {{"native", native.name}};
  for (const AbiRun* run : cpythons) {
    std::vector<std::string> gone, differ, differ_detail, wrong, wrong_detail;
    for (const auto& [code, t] : run->obs.probe["typecodes"].items()) {
      if (t.contains("missing")) {
        gone.push_back(code);
        continue;
      }
      for (const char* f : {"size", "align", "align_in_struct"})
        if (t.value(f, -1) != tc(native, code).value(f, -2)) {
          if (std::find(wrong.begin(), wrong.end(), code) == wrong.end()) wrong.push_back(code);
          wrong_detail.push_back(fmt::format("'{}' {} {} in ctypes, {} in C", code, f, t.value(f, -1), tc(native, code).value(f, -2)));
        }
      if (t.contains("array_itemsize") && t["array_itemsize"].is_number() && t["array_itemsize"] != t["size"]) {
        differ.push_back(code);
        differ_detail.push_back(fmt::format("'{}' itemsize {}, ctypes.sizeof {}", code, t["array_itemsize"].dump(), t["size"].dump()));
      }
    }
    auto order = [](std::vector<std::string>& codes) {
      std::sort(codes.begin(), codes.end(), [](const std::string& a, const std::string& b) {
        return std::string_view(kTypecodes).find(a[0]) < std::string_view(kTypecodes).find(b[0]);
      });
    };
    order(gone), order(differ), order(wrong);
    if (!gone.empty()) {
      Group& g = missing[fmt::format("{}", fmt::join(gone, ""))];
      g.codes = gone;
      g.add(*run);
    }
    if (!differ.empty()) {
      Group& g = itemsize[fmt::format("{}", fmt::join(differ_detail, ", "))];
      g.codes = differ;
      g.add(*run);
      g.details.push_back(run->name + ": " + fmt::format("{}", fmt::join(differ_detail, ", ")));
    }
    if (!wrong.empty()) {
      Group g;
      g.codes = wrong;
      g.add(*run);
      g.details.push_back(run->name + ": " + fmt::format("{}", fmt::join(wrong_detail, ", ")));
      out.push_back(finding(r.at("mismatch"), g, native.name, vars));
    } else {
      agree.add(*run);
    }
  }
  if (!agree.abis.empty()) out.insert(out.begin(), finding(r.at("agree"), agree, native.name, vars));
  for (const auto& [k, g] : missing) out.push_back(finding(r.at("missing"), g, native.name, vars));
  for (const auto& [k, g] : itemsize) out.push_back(finding(r.at("itemsize"), g, native.name, vars));
  return out;
}

nlohmann::json table_finding(const AbiRun& run, const std::string& message, const nlohmann::json& rules) {
  Group g;
  g.add(run);
  g.details.push_back(run.name + ": " + message);
  return finding(rules.at("checks").at("table"), g, "", {});
}

}  // namespace shmcheck::audit
