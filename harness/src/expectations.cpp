#include <shmcheck/harness/expectations.hpp>

#include <shmcheck/error.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

namespace shmcheck::harness {
namespace {

bool version_matches(const std::vector<std::string>& versions, const std::string& version) {
  if (versions.empty()) return true;
  for (const auto& v : versions)
    if (version == v || version.rfind(v + ".", 0) == 0) return true;
  return false;
}

}  // namespace

Expectations Expectations::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ValueError("cannot read expectations file " + path);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw ValueError("expectations file " + path + " is not valid JSON: " + e.what());
  }
  Expectations out;
  out.source_ = path;
  if (!doc.is_object() || !doc.contains("expected_failures") || !doc.at("expected_failures").is_array())
    throw ValueError("expectations file " + path + " needs a list 'expected_failures'");
  for (const auto& e : doc.at("expected_failures")) {
    if (!e.is_object() || !e.contains("case") || !e.contains("reason") || !e.at("case").is_string() ||
        !e.at("reason").is_string() || e.at("reason").get<std::string>().empty())
      throw ValueError("expectations file " + path + ": every entry needs a 'case' and a non-empty 'reason': " +
                       e.dump().substr(0, 200));
    const auto strings = [](const nlohmann::json& v) {
      return v.is_array() && std::all_of(v.begin(), v.end(), [](const nlohmann::json& x) { return x.is_string(); });
    };
    if ((e.contains("suite") && !e.at("suite").is_string()) || (e.contains("versions") && !strings(e.at("versions"))))
      throw ValueError("expectations file " + path + ": 'suite' is a string and 'versions' a list of strings: " + e.dump().substr(0, 200));
    Expectation x{e.value("suite", "spec"), e.at("case"), {}, e.at("reason"), {}};
    if (e.contains("versions")) x.versions = e.at("versions").get<std::vector<std::string>>();
    if (e.contains("start_methods")) {
      if (!strings(e.at("start_methods")))
        throw ValueError("expectations file " + path + ": 'start_methods' is a list of strings: " + e.dump().substr(0, 200));
      x.start_methods = e.at("start_methods").get<std::vector<std::string>>();
    }
    out.entries_.push_back(std::move(x));
  }
  for (const auto& d : doc.value("dialects", nlohmann::json::array())) {
    if (!d.is_object() || !d.contains("reason") || !d.at("reason").is_string() ||
        (d.contains("versions") && !d.at("versions").is_array()))
      throw ValueError("expectations file " + path + ": every dialect needs a 'reason' (and 'versions' is a list): " +
                       d.dump().substr(0, 200));
    std::vector<std::string> versions;
    for (const auto& v : d.value("versions", nlohmann::json::array())) {
      if (!v.is_string()) throw ValueError("expectations file " + path + ": a version is a string: " + v.dump());
      versions.push_back(v);
    }
    nlohmann::json body = d;
    body.erase("versions");
    body.erase("reason");
    out.dialects_.emplace_back(std::move(versions), std::move(body));
  }
  return out;
}

const Expectation* Expectations::find(const std::string& version, const std::string& suite, const std::string& case_id) const {
  for (const auto& e : entries_) {
    if (e.suite != suite) continue;
    const bool prefix = !e.case_pattern.empty() && e.case_pattern.back() == '*';
    const std::string stem = prefix ? e.case_pattern.substr(0, e.case_pattern.size() - 1) : e.case_pattern;
    if (prefix ? case_id.rfind(stem, 0) != 0 : case_id != stem) continue;
    if (!version_matches(e.versions, version)) continue;
    if (!e.start_methods.empty() && std::find(e.start_methods.begin(), e.start_methods.end(), start_method_) == e.start_methods.end())
      continue;
    return &e;
  }
  return nullptr;
}

nlohmann::json Expectations::dialect(const std::string& version) const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [versions, body] : dialects_)
    if (version_matches(versions, version)) out.merge_patch(body);
  return out;
}

}  // namespace shmcheck::harness
