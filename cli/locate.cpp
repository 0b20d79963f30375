#include "locate.hpp"

#include <cstdlib>
#include <filesystem>

#ifndef SHMCHECK_SOURCE_DIR
#define SHMCHECK_SOURCE_DIR "."
#endif

namespace shmcheck::cli {
namespace fs = std::filesystem;

std::string self_path() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? "shmcheck" : self.string();
}

std::string program_path(const std::string& name) { return (fs::path(self_path()).parent_path() / name).string(); }

std::string data_dir() {
  if (const char* d = std::getenv("SHMCHECK_DATA_DIR"); d && *d) return d;
  std::error_code ec;
  const fs::path installed = fs::path(self_path()).parent_path().parent_path() / "share" / "shmcheck";
  if (fs::is_directory(installed / "drivers", ec)) return installed.string();
  return SHMCHECK_SOURCE_DIR;
}

std::string data_path(const std::string& relative) { return (fs::path(data_dir()) / relative).string(); }

}  // namespace shmcheck::cli
