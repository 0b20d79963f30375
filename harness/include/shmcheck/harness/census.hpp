#pragma once
// The census as results.json keeps it (reports/schema: $defs/census): what the reference's
// shmcheck::Census counted, in the results' words, and what grew between two of them.
#include <shmcheck/census.hpp>

#include <nlohmann/json.hpp>

namespace shmcheck::harness {

// {"dev_shm": [...], "sysv": [...], "processes": ["pid", ...], "fds": N, "mappings": N}
nlohmann::json census_json(const Census& c);
// {"fds": after-before, "mappings": ..., "dev_shm"|"sysv"|"processes": {"added": [...], "removed": [...]}}
nlohmann::json census_diff(const nlohmann::json& before, const nlohmann::json& after);

}  // namespace shmcheck::harness
