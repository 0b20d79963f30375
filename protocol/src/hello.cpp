#include <shmcheck/protocol/hello.hpp>

namespace shmcheck::protocol {

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
      if (code.size() == 1) caps.sizes[code[0]] = {sz.at(0).get<int>(), sz.at(1).get<int>()};
  caps.robust_lock = c.value("robust_lock", false);
  caps.atomic_ops = c.value("atomic_ops", false);
  caps.child = c.value("child", false);
  caps.async_child = c.value("async_child", false);
  caps.start_methods = c.value("start_methods", std::vector<std::string>{});
  caps.scenarios = c.value("scenarios", std::vector<std::string>{});
  return d;
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
