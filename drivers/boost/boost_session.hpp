#pragma once
// The `boost` implementation under test: a second, independent Array/Value built on
// Boost.Interprocess (header-only), served over the driver protocol by shmcheck_boost_driver.
//
// Memory, lifetime and locking are Boost's: every object's elements live in a
// boost::interprocess::anonymous_shared_memory region (MAP_SHARED|MAP_ANONYMOUS: shared with
// every forked child, never named, gone when the last process unmaps it), and a lock is a
// boost::interprocess::interprocess_recursive_mutex constructed in a region (in the region of
// the object that made it; objects sharing it point there). Only the semantics being checked
// are shmcheck's: element conversion (store_item/load_item), slices, typecodes, error kinds.
#include "drivers/common/children.hpp"
#include <shmcheck/protocol/outcome.hpp>

#include <shmcheck/typecode.hpp>

#include <cstddef>
#include <map>
#include <memory>
#include <string>

namespace shmcheck::drivers {

struct BoostLockState;  // lives in shared memory; see the .cpp

struct BoostObject {
  const Typecode* tc = nullptr;
  bool is_value = false;
  std::shared_ptr<std::byte> data;        // aliases (keeps alive) the region of the elements
  std::size_t n = 0;                      // element count (1 for a value)
  std::shared_ptr<BoostLockState> lock;   // aliases the region of the mutex; null when raw
};

class BoostSession {
 public:
  // Performs one operation (no "id"), as RefSession::perform does.
  protocol::Outcome perform(const nlohmann::json& op);

 private:
  nlohmann::json dispatch(const nlohmann::json& op);
  nlohmann::json create(const nlohmann::json& op);
  BoostObject& object(const nlohmann::json& op);
  std::string bind(const nlohmann::json& op, BoostObject obj);

  std::map<std::string, BoostObject> objects_;
  unsigned next_handle_ = 0;
  Children children_;  // after objects_: children die before the objects they share
};

// The hello result: name "boost-interprocess", version from BOOST_LIB_VERSION.
nlohmann::json boost_hello();

}  // namespace shmcheck::drivers
