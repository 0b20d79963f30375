#pragma once
// The machine a run happens on (results.json: run.host): OS, kernel, CPU, cores, compiler and
// the libraries the harness was built with (the command line adds the ones it links).
#include <nlohmann/json.hpp>

namespace shmcheck::harness {

nlohmann::json host_fingerprint();

}  // namespace shmcheck::harness
