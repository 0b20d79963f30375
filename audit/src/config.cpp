#include "config.hpp"

#include <shmcheck/error.hpp>

#include <cstdlib>
#include <fstream>

namespace shmcheck::audit {
namespace {

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ValueError("cannot read " + path);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw ValueError(path + ": " + e.what());
  }
}

std::map<char, int> code_ints(const nlohmann::json& j) {
  std::map<char, int> out;
  for (const auto& [k, v] : j.items()) {
    if (k.size() != 1 || std::string_view(kTypecodes).find(k[0]) == std::string_view::npos) throw ValueError("'" + k + "' is not a typecode");
    out[k[0]] = v.get<int>();
  }
  return out;
}

AbiConfig abi_of(const nlohmann::json& j) {
  AbiConfig a;
  a.abi = j.at("abi").get<std::string>();
  a.how = j.at("how").get<std::string>();
  if (a.how != "executed" && a.how != "probed") throw ValueError("how must be executed or probed");
  a.triple = j.at("triple").get<std::string>();
  a.compiler = j.value("compiler", "");
  a.emulator = j.value("emulator", "");
  a.emulator_env = j.value("emulator_env", std::map<std::string, std::string>{});
  a.native_machine = j.value("native_machine", "");
  a.native_on = j.value("native_on", std::vector<std::string>{});
  a.debian_arch = j.value("debian_arch", "");
  a.control_of = j.value("control_of", "");
  a.probe_args = j.value("probe_args", std::vector<std::string>{});
  a.model = j.at("model").get<std::string>();
  a.char_signed = j.at("char_signed").get<bool>();
  a.wchar_size = j.at("wchar_size").get<int>();
  a.wchar_signed = j.at("wchar_signed").get<bool>();
  a.endianness = j.at("endianness").get<std::string>();
  a.align = code_ints(j.value("align", nlohmann::json::object()));
  a.align_in_struct = code_ints(j.value("align_in_struct", nlohmann::json::object()));
  a.doc = j.value("doc", "");
  return a;
}

}  // namespace

const AbiConfig* AuditData::find(const std::string& abi) const {
  for (const auto& a : abis)
    if (a.abi == abi) return &a;
  return nullptr;
}

AuditData load_data(const std::string& dir) {
  AuditData d;
  d.dir = dir;
  const std::string abis_path = dir + "/data/abis.json", models_path = dir + "/data/models.json";
  const nlohmann::json abis = read_json(abis_path), models = read_json(models_path);
  d.findings = read_json(dir + "/data/findings.json");
  std::string where = abis_path;
  try {
    d.baseline = abis.at("baseline").get<std::string>();
    d.executed_build = abis.at("executed_build");
    d.probed_build = abis.at("probed_build");
    d.run_timeout = abis.value("run_timeout_seconds", 240.0);
    for (const auto& j : abis.at("abis")) {
      where = abis_path + " entry " + j.value("abi", "?");
      d.abis.push_back(abi_of(j));
      if (d.find(d.abis.back().abi) != &d.abis.back()) throw ValueError("listed twice");
    }
    where = models_path;
    for (const auto& [name, m] : models.at("models").items()) {
      where = models_path + " model " + name;
      Model model;
      model.pointer_size = m.at("pointer_size").get<int>();
      model.sizes = code_ints(m.at("sizes"));
      d.models[name] = model;
    }
    where = models_path;
    for (const auto& [k, v] : models.at("signed").items())
      if (k.size() == 1) d.signed_by_name[k[0]] = v.get<bool>();
    for (const auto& [k, v] : models.at("float_max").items())
      if (k.size() == 1) d.float_max[k[0]] = v.get<double>();
    d.cpython_minimum = code_ints(models.at("cpython_minimum_sizes").at("sizes"));
    for (const auto& a : d.abis) {
      where = abis_path + " entry " + a.abi;
      if (!d.models.count(a.model)) throw ValueError("unknown model " + a.model);
      if (!a.control_of.empty() && !d.find(a.control_of)) throw ValueError("control_of names no ABI: " + a.control_of);
    }
    if (!d.find(d.baseline)) throw ValueError("the baseline " + d.baseline + " is not listed");
  } catch (const nlohmann::json::exception& e) {
    throw ValueError(where + ": " + e.what());
  } catch (const ValueError& e) {
    throw ValueError(where + ": " + e.what());
  }
  return d;
}

}  // namespace shmcheck::audit
