// shmcheck_boost_driver: the Boost.Interprocess implementation of Array/Value, served over
// the driver protocol (drivers/PROTOCOL.md) on stdin/stdout. `--impl boost` starts it.
#include "boost_implementation.hpp"
#include "serve.hpp"

int main() {
  shmcheck::drivers::BoostImplementation impl;
  return shmcheck::drivers::serve([&](const nlohmann::json& op) { return impl.perform(op); });
}
