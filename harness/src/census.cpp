#include <shmcheck/harness/census.hpp>

#include <cstdint>
#include <set>
#include <string>

namespace shmcheck::harness {

nlohmann::json census_json(const Census& c) {
  nlohmann::json processes = nlohmann::json::array();
  for (const pid_t pid : c.children) processes.push_back(std::to_string(pid));
  return {{"dev_shm", c.dev_shm}, {"sysv", c.sysv_segments}, {"processes", processes},
          {"fds", c.open_fds},    {"mappings", c.map_lines}};
}

namespace {

// A count a driver reported: get<long>() of a float out of range, or the difference of two
// extreme integers, would be undefined behaviour on a driver's say-so.
long count_of(const nlohmann::json& j) {
  if (!j.is_number_integer() || j.get<std::int64_t>() < 0 || j.get<std::int64_t>() > (std::int64_t{1} << 40))
    throw nlohmann::json::type_error::create(302, "a count must be a whole number from 0 to 2^40, not " + j.dump(), &j);
  return static_cast<long>(j.get<std::int64_t>());
}

}  // namespace

nlohmann::json census_diff(const nlohmann::json& before, const nlohmann::json& after) {
  nlohmann::json diff = {{"fds", count_of(after.at("fds")) - count_of(before.at("fds"))},
                         {"mappings", count_of(after.at("mappings")) - count_of(before.at("mappings"))}};
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
