#include "../scenarios.hpp"
#include "drivers/common/request.hpp"

namespace shmcheck::drivers::scenarios {

// The creator forks the child that outlives it: no fork on Windows.
nlohmann::json lifetime_outlive(const nlohmann::json&, const Session&) {
  throw Unsupported("lifetime-outlive forks a child that outlives its creator: Windows has no fork");
}

}  // namespace shmcheck::drivers::scenarios
