#include <shmcheck/protocol/hello.hpp>

#include <cstdint>

namespace shmcheck::protocol {

namespace {

// A size or alignment in bytes, as the schema has it: a whole number, here also a plausible
// one. get<int>() of 7e78 (a driver's bytes) is undefined behaviour, found by fuzz_hello.
int byte_count(const nlohmann::json& j) {
  if (!j.is_number_integer() || j.get<std::int64_t>() < 0 || j.get<std::int64_t>() > 4096)
    throw nlohmann::json::type_error::create(302, "a size or alignment must be a whole number of bytes from 0 to 4096, not " + j.dump(), &j);
  return static_cast<int>(j.get<std::int64_t>());
}

}  // namespace

Description Description::from_hello(const std::string& spec, const nlohmann::json& h) {
  Description d;
  d.spec = spec;
  d.name = h.at("name").get<std::string>();
  d.version = h.at("version").get<std::string>();
  d.platform = h.at("platform");
  if (h.contains("language") && h.at("language").is_object()) d.language = h.at("language");
  if (h.contains("module") && h.at("module").is_object()) d.module = h.at("module");
  const nlohmann::json& c = h.at("capabilities");
  auto& caps = d.capabilities;
  caps.typecodes = c.at("typecodes").get<std::string>();
  if (c.contains("sizes"))
    for (const auto& [code, sz] : c.at("sizes").items())
      if (code.size() == 1) caps.sizes[code[0]] = {byte_count(sz.at(0)), byte_count(sz.at(1))};
  caps.robust_lock = c.value("robust_lock", false);
  caps.atomic_ops = c.value("atomic_ops", false);
  caps.child = c.value("child", false);
  caps.async_child = c.value("async_child", false);
  caps.start_methods = c.value("start_methods", std::vector<std::string>{});
  caps.scenarios = c.value("scenarios", std::vector<std::string>{});
  return d;
}

nlohmann::json Description::to_json() const {
  const auto& c = capabilities;
  nlohmann::json sizes = nlohmann::json::object();
  for (const auto& [code, sa] : c.sizes) sizes[std::string(1, code)] = {sa.first, sa.second};
  nlohmann::json entry = {{"spec", spec},
                          {"name", name},
                          {"version", version},
                          {"platform", platform},
                          {"capabilities",
                           {{"typecodes", c.typecodes},
                            {"sizes", sizes},
                            {"robust_lock", c.robust_lock},
                            {"atomic_ops", c.atomic_ops},
                            {"child", c.child},
                            {"async_child", c.async_child},
                            {"start_methods", c.start_methods},
                            {"scenarios", c.scenarios}}}};
  if (!abi.empty()) entry["abi"] = abi;
  if (!language.is_null()) entry["language"] = language;
  if (!module.is_null()) entry["module"] = module;
  return entry;
}

std::string Description::label() const {
  std::string out = name + (version.empty() ? "" : " " + version);
  auto text = [](const nlohmann::json& j, const char* key) {
    return j.is_object() && j.contains(key) && j.at(key).is_string() ? j.at(key).get<std::string>() : std::string();
  };
  if (const std::string v = text(language, "version"); !v.empty() && v != version)
    out += " (" + (text(language, "name").empty() ? std::string("language") : text(language, "name")) + " " + v + ")";
  if (const std::string m = text(module, "name"); !m.empty() && m != "multiprocessing")
    out += " + " + m + (text(module, "version").empty() ? "" : " " + text(module, "version"));
  return out;
}

}  // namespace shmcheck::protocol
