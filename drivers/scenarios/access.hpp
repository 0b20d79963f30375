#pragma once
// What a stress worker does to one object, per access. A scenario's rate is meant to be the
// implementation's: where the driver is written in the implementation's own language it hands
// the workers the object itself (ref, boost, the mutants: a virtual call into the library per
// access), and only an implementation behind the protocol alone pays for a JSON request per
// access (protocol_access). Either way the scenario's code is the same.
#include "scenarios.hpp"

#include <shmcheck/item.hpp>
#include <shmcheck/slice.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace shmcheck::drivers::scenarios {

class Access {
 public:
  virtual ~Access() = default;
  // As the protocol's operations of the same names, with the implementation's own errors
  // thrown (ScenarioError where it reports them as outcomes).
  virtual Item value() = 0;
  virtual void set_value(const Item& v) = 0;
  virtual Item get(std::int64_t index) = 0;
  virtual void set(std::int64_t index, const Item& v) = 0;
  virtual std::vector<Item> get_slice(const Slice& s) = 0;
  virtual void set_slice(const Slice& s, const std::vector<Item>& items) = 0;
  virtual Item fetch_add(std::int64_t index, const Item& delta) = 0;
  virtual void acquire() = 0;
  virtual void release() = 0;

  // An integer item as int64 (counters and ring indices stay far inside it).
  static std::int64_t integer(const Item& i) { return static_cast<std::int64_t>(i.as_int()); }
};

// The object `handle` through protocol operations, each request built once and reused.
std::unique_ptr<Access> protocol_access(const Session& s, const std::string& handle);

// The object `handle` as the session offers it: its own Access, or protocol_access.
std::unique_ptr<Access> access(const Session& s, const std::string& handle);

}  // namespace shmcheck::drivers::scenarios
