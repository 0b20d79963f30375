#include <shmcheck/harness/expectations.hpp>

#include <shmcheck/error.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace shmcheck::harness {
namespace {

bool prefix_matches(const std::vector<std::string>& prefixes, const std::string& version) {
  if (prefixes.empty()) return true;
  for (const auto& v : prefixes)
    if (version == v || version.rfind(v + ".", 0) == 0) return true;
  return false;
}

bool one_of(const std::vector<std::string>& names, const std::string& name) {
  return names.empty() || std::find(names.begin(), names.end(), name) != names.end();
}

bool applies_to(const Applies& a, const Description& d, const std::string& start_method) {
  const std::string module_version = d.module.is_object() && d.module.value("version", nlohmann::json()).is_string()
                                         ? d.module.at("version").get<std::string>()
                                         : "";
  return prefix_matches(a.versions, d.version) && one_of(a.implementations, d.name) &&
         prefix_matches(a.module_versions, module_version) && one_of(a.start_methods, start_method) && one_of(a.abis, d.abi);
}

// An entry's or a dialect's narrowing keys, checked: each is a list of strings.
Applies applies_of(const nlohmann::json& e, const std::string& path) {
  Applies a;
  const std::pair<const char*, std::vector<std::string>*> keys[] = {
      {"versions", &a.versions}, {"implementations", &a.implementations}, {"module_versions", &a.module_versions},
      {"start_methods", &a.start_methods}, {"abis", &a.abis}};
  for (const auto& [key, out] : keys) {
    if (!e.contains(key)) continue;
    const auto& v = e.at(key);
    if (!v.is_array() || !std::all_of(v.begin(), v.end(), [](const nlohmann::json& x) { return x.is_string(); }))
      throw ValueError("expectations file " + path + ": '" + key + "' is a list of strings: " + e.dump().substr(0, 200));
    *out = v.get<std::vector<std::string>>();
  }
  return a;
}

}  // namespace

Expectations Expectations::load(const std::string& path) {
  Expectations out;
  out.source_ = path;
  std::vector<std::string> seen;
  out.read(path, seen);
  return out;
}

void Expectations::read(const std::string& path, std::vector<std::string>& seen) {
  std::error_code ec;
  const std::string canonical = std::filesystem::weakly_canonical(path, ec).string();
  if (std::find(seen.begin(), seen.end(), canonical) != seen.end())
    throw ValueError("expectations file " + path + " includes itself (through " + seen.front() + ")");
  seen.push_back(canonical);
  // A directory opens as a stream and fails only on reading, with an exception of its own
  // (std::ios_base::failure) that would end the program: say what it is instead.
  if (std::filesystem::is_directory(path, ec)) throw ValueError("expectations file " + path + " is a directory, not a file");
  std::ifstream in(path);
  if (!in) throw ValueError("cannot read expectations file " + path);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw ValueError("expectations file " + path + " is not valid JSON: " + e.what());
  } catch (const std::ios_base::failure& e) {
    throw ValueError("cannot read expectations file " + path + ": " + e.what());
  }
  if (!doc.is_object() || !doc.contains("expected_failures") || !doc.at("expected_failures").is_array())
    throw ValueError("expectations file " + path + " needs a list 'expected_failures'");
  for (const auto& included : doc.value("include", nlohmann::json::array())) {
    if (!included.is_string()) throw ValueError("expectations file " + path + ": 'include' is a list of file names");
    read((std::filesystem::path(path).parent_path() / included.get<std::string>()).string(), seen);
  }
  // The file's own implementation ("implementation": "cpython") narrows every entry and
  // dialect that names none: what one file says of CPython never applies to PyPy, even when
  // another file includes it.
  std::vector<std::string> whose;
  if (doc.contains("implementation")) {
    if (!doc.at("implementation").is_string()) throw ValueError("expectations file " + path + ": 'implementation' is a string");
    whose = {doc.at("implementation").get<std::string>()};
    if (canonical == seen.front()) implementation_ = whose.front();  // the top file's, not an included one's
  }
  auto narrowed = [&](Applies a) {
    if (a.implementations.empty()) a.implementations = whose;
    return a;
  };
  for (const auto& e : doc.at("expected_failures")) {
    // "case" is one pattern or a list of them: one cause behind many cases (a start method that
    // fails wholesale) is written, and read, once.
    const auto is_cases = [](const nlohmann::json& c) {
      return c.is_string() || (c.is_array() && !c.empty() && std::all_of(c.begin(), c.end(), [](const auto& x) { return x.is_string(); }));
    };
    if (!e.is_object() || !e.contains("case") || !e.contains("reason") || !is_cases(e.at("case")) ||
        !e.at("reason").is_string() || e.at("reason").get<std::string>().empty())
      throw ValueError("expectations file " + path + ": every entry needs a 'case' (a pattern or a list of them) and a non-empty 'reason': " +
                       e.dump().substr(0, 200));
    if (e.contains("suite") && !e.at("suite").is_string())
      throw ValueError("expectations file " + path + ": 'suite' is a string: " + e.dump().substr(0, 200));
    const auto cases = e.at("case").is_string() ? std::vector<std::string>{e.at("case")} : e.at("case").get<std::vector<std::string>>();
    for (const auto& c : cases) entries_.push_back({e.value("suite", "spec"), c, e.at("reason"), narrowed(applies_of(e, path)), path});
  }
  for (const auto& d : doc.value("dialects", nlohmann::json::array())) {
    if (!d.is_object() || !d.contains("reason") || !d.at("reason").is_string())
      throw ValueError("expectations file " + path + ": every dialect needs a 'reason': " + d.dump().substr(0, 200));
    nlohmann::json body = d;
    for (const char* key : {"versions", "implementations", "module_versions", "start_methods", "abis", "reason", "reproduction"}) body.erase(key);
    dialects_.emplace_back(narrowed(applies_of(d, path)), std::move(body));
  }
}

Expectations Expectations::bound_to(const Description& d, const std::string& start_method) const {
  Expectations out;
  out.source_ = source_;
  out.implementation_ = implementation_;
  for (const auto& e : entries_)
    if (applies_to(e.applies, d, start_method)) out.entries_.push_back(e);
  for (const auto& [a, body] : dialects_)
    if (applies_to(a, d, start_method)) out.dialects_.emplace_back(a, body);
  return out;
}

const Expectation* Expectations::find(const std::string& suite, const std::string& case_id) const {
  for (const auto& e : entries_) {
    if (e.suite != suite) continue;
    const bool prefix = !e.case_pattern.empty() && e.case_pattern.back() == '*';
    const std::string stem = prefix ? e.case_pattern.substr(0, e.case_pattern.size() - 1) : e.case_pattern;
    if (prefix ? case_id.rfind(stem, 0) == 0 : case_id == stem) return &e;
  }
  return nullptr;
}

nlohmann::json Expectations::dialect() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [applies, body] : dialects_) out.merge_patch(body);
  return out;
}

}  // namespace shmcheck::harness
