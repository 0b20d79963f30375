#include "expectations.hpp"

#include <shmcheck/error.hpp>

#include <nlohmann/json.hpp>

#include <fstream>

namespace shmcheck::harness {

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
    Expectation x{e.value("suite", "spec"), e.at("case"), {}, e.at("reason")};
    if (e.contains("versions")) x.versions = e.at("versions").get<std::vector<std::string>>();
    out.entries_.push_back(std::move(x));
  }
  return out;
}

const Expectation* Expectations::find(const std::string& version, const std::string& suite, const std::string& case_id) const {
  for (const auto& e : entries_) {
    if (e.suite != suite) continue;
    const bool prefix = !e.case_pattern.empty() && e.case_pattern.back() == '*';
    const std::string stem = prefix ? e.case_pattern.substr(0, e.case_pattern.size() - 1) : e.case_pattern;
    if (prefix ? case_id.rfind(stem, 0) != 0 : case_id != stem) continue;
    if (!e.versions.empty()) {
      bool any = false;
      for (const auto& v : e.versions)
        any = any || version == v || version.rfind(v + ".", 0) == 0;
      if (!any) continue;
    }
    return &e;
  }
  return nullptr;
}

}  // namespace shmcheck::harness
