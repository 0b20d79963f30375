#include "observe.hpp"

#include "object_file.hpp"
#include "process.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/protocol/driver_text.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace shmcheck::audit {
namespace {

Observation unsupported(std::string why) {
  Observation o;
  o.status = Observation::Status::unsupported;
  o.reason = std::move(why);
  return o;
}

Observation broken(Observation o, std::string why) {
  o.status = Observation::Status::broken;
  o.reason = std::move(why);
  return o;
}

std::string joined(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

// The probe's JSON, checked for the keys the judge reads: a probe that prints something
// else is broken, not an ABI with odd facts.
std::string shape_error(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("typecodes") || !j["typecodes"].is_object() || !j.contains("facts") ||
      !j["facts"].is_object())
    return "no typecodes and facts objects";
  for (const char c : std::string_view(kTypecodes)) {
    const std::string code(1, c);
    if (!j["typecodes"].contains(code)) return "typecode " + code + " is missing";
    const auto& t = j["typecodes"][code];
    for (const char* k : {"size", "align", "align_in_struct"})
      if (!t.contains(k) || !t[k].is_number_integer() || t[k].get<long>() < 1) return "typecode " + code + ": bad " + k;
    for (const char* k : {"signed", "lock_free"})
      if (!t.contains(k) || !t[k].is_boolean()) return "typecode " + code + ": bad " + k;
  }
  return "";
}

Observation parse_probe_output(Observation o, const std::string& out) {
  try {
    o.probe = nlohmann::json::parse(out);
  } catch (const nlohmann::json::exception& e) {
    return broken(o, std::string("the probe printed no JSON: ") + e.what() + ": " + protocol::excerpt(out, 200));
  }
  if (const std::string e = shape_error(o.probe); !e.empty()) return broken(o, "the probe's JSON is malformed: " + e);
  return o;
}

}  // namespace

const AbiConfig* native_abi(const AuditData& data, const std::string& host_machine) {
  for (const auto& a : data.abis)
    if (a.how == "executed" && a.native_machine == host_machine) return &a;
  return nullptr;
}

std::string wine_prefix(const Environment& env) { return env.work_dir + "/wine"; }

void stop_wineserver(const Environment& env) {
  if (!fs::exists(wine_prefix(env)) || find_program("wineserver").empty()) return;
  run_command({"wineserver", "-k"}, {{"WINEPREFIX", wine_prefix(env)}}, 30);
}

Observation observe_executed(const AbiConfig& abi, const AuditData& data, const Environment& env) {
  Observation o;
  std::vector<std::string> run;
  std::map<std::string, std::string> run_env = abi.emulator_env;
  if (abi.compiler.empty()) {
    // The ABI shmcheck itself was built for: CMake built its probe with the same warnings.
    if (abi.native_machine != env.host_machine)
      return unsupported("its probe is the one shmcheck was built with, and this host is " + env.host_machine + ", not " +
                         abi.native_machine);
    if (!fs::exists(env.native_probe)) return unsupported("the native probe was not built: " + env.native_probe);
    run.push_back(env.native_probe);
  } else {
    if (find_program(abi.compiler).empty())
      return unsupported(abi.compiler + " is not installed (ci/audit installs the cross compilers)");
    if (!abi.emulator.empty() && find_program(abi.emulator).empty())
      return unsupported(abi.emulator + " is not installed (ci/audit installs qemu-user and wine)");
    const auto& on = abi.native_on;
    if (abi.emulator.empty() && !on.empty() && std::find(on.begin(), on.end(), env.host_machine) == on.end())
      return unsupported("it runs without an emulator only on a " + joined(abi.native_on) + " kernel, and this host is " + env.host_machine);
    o.compiler = version_line(abi.compiler);
    const bool windows = abi.triple.find("mingw") != std::string::npos;
    const std::string exe = env.work_dir + "/probe-" + abi.abi + (windows ? ".exe" : "");
    std::vector<std::string> build = {abi.compiler};
    for (const auto& f : data.executed_build.at("flags")) build.push_back(f.get<std::string>());
    build.insert(build.end(), {env.audit_dir + "/probe/probe.cpp", "-o", exe});
    for (const auto& l : data.executed_build.at("libs")) build.push_back(l.get<std::string>());
    const CommandResult b = run_command(build, {}, data.executed_build.value("timeout_seconds", 180.0));
    o.seconds += b.seconds;
    if (!b.ok()) return broken(o, "building the probe failed (" + joined(build) + "): " + b.failure());
    if (!abi.emulator.empty()) {
      run.push_back(abi.emulator);
      o.emulator = version_line(abi.emulator);
    }
    if (abi.emulator == "wine") run_env["WINEPREFIX"] = wine_prefix(env);
    run.push_back(exe);
  }
  run.insert(run.end(), abi.probe_args.begin(), abi.probe_args.end());
  o.command = joined(run);
  const CommandResult r = run_command(run, run_env, data.run_timeout);
  o.seconds += r.seconds;
  if (!r.ok()) return broken(o, "running the probe failed (" + o.command + "): " + r.failure());
  // wine prints its own notices on stdout before the program's: the probe's object is the last line.
  std::string out = r.out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  const auto line = out.rfind('\n');
  o = parse_probe_output(o, line == std::string::npos ? out : out.substr(line + 1));
  // The native probe was built by CMake: the probe itself says with what.
  if (o.compiler.empty() && o.probe.is_object()) o.compiler = o.probe.value("compiler", std::string("unknown"));
  return o;
}

Observation observe_probed(const AbiConfig& abi, const AuditData& data, const Environment& env) {
  std::string compiler;
  for (const auto& c : data.probed_build.at("compilers"))
    if (!find_program(c.get<std::string>()).empty()) {
      compiler = c.get<std::string>();
      break;
    }
  if (compiler.empty()) return unsupported("no clang to probe with (ci/audit installs clang-14)");
  Observation o;
  o.compiler = version_line(compiler);
  const std::string object = env.work_dir + "/static-" + abi.abi + ".o";
  std::vector<std::string> build = {compiler, "--target=" + abi.triple};
  for (const auto& f : data.probed_build.at("flags")) build.push_back(f.get<std::string>());
  build.insert(build.end(), {env.audit_dir + "/probe/static_probe.cpp", "-o", object});
  o.command = joined(build);
  const CommandResult b = run_command(build, {}, data.probed_build.value("timeout_seconds", 60.0));
  o.seconds = b.seconds;
  if (!b.ok()) return broken(o, "compiling the static probe failed (" + o.command + "): " + b.failure());
  std::ifstream in(object, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  try {
    o.probe = read_static_probe(bytes.str());
  } catch (const ValueError& e) {
    return broken(o, std::string("reading ") + object + ": " + e.what());
  }
  o.probe["compiler"] = o.compiler;
  return o;
}

Observation observe_cpython(const std::string& python, const Environment& env) {
  Observation o;
  const std::vector<std::string> run = {python, env.audit_dir + "/probe/cpython_probe.py"};
  o.command = joined(run);
  if (find_program(python).empty()) return unsupported(python + " is not installed");
  const CommandResult r = run_command(run, {}, 60);
  o.seconds = r.seconds;
  if (!r.ok()) return broken(o, "the CPython probe failed (" + o.command + "): " + r.failure());
  try {
    o.probe = nlohmann::json::parse(r.out);
  } catch (const nlohmann::json::exception& e) {
    return broken(o, std::string("the CPython probe printed no JSON: ") + e.what());
  }
  if (!o.probe.is_object() || !o.probe.contains("typecodes") || !o.probe.contains("version"))
    return broken(o, "the CPython probe's JSON has no typecodes or version");
  o.compiler = "CPython " + o.probe.value("version", std::string("?"));
  return o;
}

}  // namespace shmcheck::audit
