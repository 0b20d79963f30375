// What grew between two censuses; taking one is the platform's (posix/census.cpp,
// windows/census.cpp).
#include <shmcheck/census.hpp>

#include <algorithm>
#include <sstream>

namespace shmcheck {
namespace {

template <class T>
void report_added(const char* what, const std::vector<T>& before, const std::vector<T>& after,
                  std::vector<std::string>& out) {
  for (const auto& x : after)
    if (!std::binary_search(before.begin(), before.end(), x)) {
      std::ostringstream line;
      line << what << " + " << x;
      out.push_back(line.str());
    }
}

}  // namespace

std::vector<std::string> census_growth(const Census& before, const Census& after) {
  std::vector<std::string> out;
  if (after.open_fds > before.open_fds)
    out.push_back("open fds " + std::to_string(before.open_fds) + " -> " + std::to_string(after.open_fds));
  // Shared mappings only: the private ones come and go with malloc's own arenas.
  if (after.shared_map_lines > before.shared_map_lines)
    out.push_back("shared mappings " + std::to_string(before.shared_map_lines) + " -> " + std::to_string(after.shared_map_lines));
  report_added("/dev/shm", before.dev_shm, after.dev_shm, out);
  report_added("SysV segment", before.sysv_segments, after.sysv_segments, out);
  report_added("child process", before.children, after.children, out);
  return out;
}

}  // namespace shmcheck
