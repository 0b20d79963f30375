// shmcheck_boost_driver: the Boost.Interprocess implementation of Array/Value, served over
// the driver protocol (protocol/PROTOCOL.md) on stdin/stdout. `--impl boost` starts it.
#include "boost_session.hpp"
#include "drivers/common/serve.hpp"

int main() {
  shmcheck::drivers::BoostSession impl;
  return shmcheck::drivers::serve([&](const nlohmann::json& op) { return impl.perform(op); });
}
