#include "locate.hpp"

#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

#ifndef SHMCHECK_SOURCE_DIR
#define SHMCHECK_SOURCE_DIR "."
#endif
// Where an installed tree keeps programs and data, relative to its bin/ (cli/CMakeLists.txt
// derives them from the install directories; these are GNUInstallDirs' defaults).
#ifndef SHMCHECK_INSTALLED_PROGRAMS
#define SHMCHECK_INSTALLED_PROGRAMS "../libexec/shmcheck"
#endif
#ifndef SHMCHECK_INSTALLED_DATA
#define SHMCHECK_INSTALLED_DATA "../share/shmcheck"
#endif

namespace shmcheck::cli {
namespace fs = std::filesystem;

namespace {
fs::path own_dir() { return fs::path(self_path()).parent_path(); }
}  // namespace

std::string self_path() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? "shmcheck" : self.string();
}

std::string self_exec_path() {
  const std::string self = self_path();
  const std::string deleted = " (deleted)";
  if (self.size() > deleted.size() && self.compare(self.size() - deleted.size(), deleted.size(), deleted) == 0)
    return "/proc/" + std::to_string(getpid()) + "/exe";
  return self;
}

std::string program_path(const std::string& name) {
  const fs::path beside = own_dir() / name;  // a build tree
  std::error_code ec;
  if (fs::exists(beside, ec)) return beside.string();
  const fs::path installed = (own_dir() / SHMCHECK_INSTALLED_PROGRAMS / name).lexically_normal();
  if (fs::exists(installed, ec)) return installed.string();
  return beside.string();  // neither: starting it says it is missing, where a build tree has it
}

std::string data_dir() {
  if (const char* d = std::getenv("SHMCHECK_DATA_DIR"); d && *d) return d;
  std::error_code ec;
  const fs::path installed = (own_dir() / SHMCHECK_INSTALLED_DATA).lexically_normal();
  if (fs::is_directory(installed / "drivers", ec)) return installed.string();
  return SHMCHECK_SOURCE_DIR;
}

std::string data_path(const std::string& relative) { return (fs::path(data_dir()) / relative).string(); }

}  // namespace shmcheck::cli
