#include <shmcheck/harness/census.hpp>

#include <set>
#include <string>

namespace shmcheck::harness {

nlohmann::json census_json(const Census& c) {
  nlohmann::json processes = nlohmann::json::array();
  for (const pid_t pid : c.children) processes.push_back(std::to_string(pid));
  return {{"dev_shm", c.dev_shm}, {"sysv", c.sysv_segments}, {"processes", processes},
          {"fds", c.open_fds},    {"mappings", c.map_lines}};
}

nlohmann::json census_diff(const nlohmann::json& before, const nlohmann::json& after) {
  nlohmann::json diff = {{"fds", after.at("fds").get<long>() - before.at("fds").get<long>()},
                         {"mappings", after.at("mappings").get<long>() - before.at("mappings").get<long>()}};
  for (const char* list : {"dev_shm", "sysv", "processes"}) {
    const auto a = before.at(list).get<std::set<std::string>>(), b = after.at(list).get<std::set<std::string>>();
    nlohmann::json added = nlohmann::json::array(), removed = nlohmann::json::array();
    for (const auto& x : b)
      if (!a.count(x)) added.push_back(x);
    for (const auto& x : a)
      if (!b.count(x)) removed.push_back(x);
    diff[list] = {{"added", added}, {"removed", removed}};
  }
  return diff;
}

}  // namespace shmcheck::harness
