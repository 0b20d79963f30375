// The host fingerprint of a run (results.json, run.host): where the numbers come from.
#include <shmcheck/harness/host.hpp>

#include <fmt/format.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>

namespace shmcheck::harness {
namespace {

// The value of `key` in a "key: value" or KEY="value" line of a file, or "".
std::string field(const char* path, const std::string& key, char separator) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) != 0) continue;
    const auto at = line.find(separator);
    if (at == std::string::npos) continue;
    std::string v = line.substr(at + 1);
    v.erase(0, v.find_first_not_of(" \t\""));
    while (!v.empty() && (v.back() == '"' || v.back() == ' ')) v.pop_back();
    return v;
  }
  return "";
}

}  // namespace

nlohmann::json host_fingerprint() {
  utsname u{};
  uname(&u);
  std::string os = field("/etc/os-release", "PRETTY_NAME=", '=');
  if (os.empty()) os = u.sysname;
  std::string cpu = field("/proc/cpuinfo", "model name", ':');
  if (cpu.empty()) cpu = "unknown";
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
#if defined(__clang__)
  const std::string compiler = "Clang " __clang_version__;
#elif defined(__GNUC__)
  const std::string compiler = fmt::format("GCC {}.{}.{}", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
  const std::string compiler = "unknown";
#endif
  return {{"os", os},
          {"kernel", std::string(u.sysname) + " " + u.release},
          {"machine", u.machine},
          {"cpu_model", cpu},
          {"cores", cores > 0 ? nlohmann::json(cores) : nlohmann::json()},
          {"compiler", compiler},
          {"libraries",
           {{"fmt", fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100)},
            {"nlohmann_json", fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR, NLOHMANN_JSON_VERSION_PATCH)}}}};
}

}  // namespace shmcheck::harness
