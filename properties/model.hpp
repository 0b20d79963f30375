#pragma once
// The model: what a correct implementation must answer, computed without shared memory and
// without the reference's code. Conversions, slices and errors are written here a second
// time, differently (wrap by arithmetic modulo 2^bits, slices by walking Python's rules),
// so that a bug in the reference cannot hide by agreeing with itself.
//
// Element sizes come from the implementation under test (its hello), because what 'l' holds
// is a property of the platform, not of the semantics; `sizes-match-platform` checks the
// hello against the platform separately.
#include <shmcheck/harness/implementation.hpp>

#include <shmcheck/item.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace shmcheck::properties {

// What an operation should produce: a result, or an error of a kind (messages are data of
// each implementation, not semantics).
struct Expected {
  bool ok = true;
  nlohmann::json result;  // for ok; items as in the protocol
  std::string kind;       // for !ok
  static Expected value(nlohmann::json r) { return {true, std::move(r), ""}; }
  static Expected error(std::string k) { return {false, nullptr, std::move(k)}; }
};

// A sequence the model cannot predict (a blocking acquire of a lock another process holds,
// a child that ends holding a lock): a bug of the property that generated it, not of the
// implementation.
struct Unpredictable : std::logic_error {
  using std::logic_error::logic_error;
};

// What an implementation legitimately varies in, as data from its expectations file
// ("dialects", harness/include/shmcheck/harness/expectations.hpp). So far: which kinds of item a store into 'c' or
// 'u' accepts, {"stores": {"c": [...], "u": [...]}}, from
//   "int"          an int in [0, 256) ('c': that byte)
//   "bytes1"       a bytes of length 1
//   "str1"         a str of one character
//   "ascii-bytes1" a bytes of length 1 below 0x80 ('u': that character; Python 2's str)
// Without a dialect: 'c' takes int and bytes1 (Python 3), 'u' takes str1.
struct Dialect {
  std::vector<std::string> c_stores{"int", "bytes1"};
  std::vector<std::string> u_stores{"str1"};
  static Dialect from_json(const nlohmann::json& j);  // ValueError for what it does not know
};

class Model {
 public:
  explicit Model(const harness::Capabilities& caps, Dialect dialect = {}) : caps_(caps), dialect_(std::move(dialect)) {}

  // Applies one protocol operation to the model's objects and returns what it must answer.
  Expected apply(const nlohmann::json& op);

  // The element a store of `v` into typecode `tc` leaves, or the error kind it raises.
  std::optional<Item> convert(char tc, const Item& v, std::string& error_kind) const;
  Item zero(char tc) const;
  int bits(char tc) const;

 private:
  // One handle. Handles of the same memory (get_obj, synchronized, a child's view) share
  // `elems`; copy() makes new ones.
  struct Obj {
    char tc;
    bool is_value;
    std::shared_ptr<std::vector<Item>> elems;
    std::string lock_id;  // "" for a raw object; objects sharing a lock share the id
  };
  // Who does an operation: the client process or one of its children.
  enum Process { parent = 0, child = 1 };

  Expected create(const nlohmann::json& op);
  Expected object_op(const std::string& name, const nlohmann::json& op, Obj& o);
  Expected lock_op(const std::string& name, const nlohmann::json& op, const Obj& o);
  // Runs ops as a child that was started when the objects were `seen` (shared elements).
  Expected in_child(const nlohmann::json& ops, const std::map<std::string, Obj>& seen);
  Expected c_string(const std::string& name, const nlohmann::json& op, Obj& o);
  std::vector<std::size_t> slice_indices(const nlohmann::json& slice, std::size_t n, bool& step_zero) const;

  harness::Capabilities caps_;
  Dialect dialect_;
  std::map<std::string, Obj> objects_;
  std::map<std::string, int> depth_[2];  // lock id -> recursion depth held, per process
  Process who_ = parent;
  struct Started {
    nlohmann::json ops;
    std::map<std::string, Obj> seen;  // what it was given when it started
  };
  std::map<std::string, Started> started_;
  int next_lock_ = 0;
};

// Does an outcome agree with the model? Results compare as items (int and float differ,
// floats bitwise); errors by kind. Returns "" or what differs.
std::string compare(const Expected& expected, const harness::Outcome& actual);

// Do two implementations agree on one operation (differential mode)? The same rules, with
// one outcome as the expectation.
std::string compare(const harness::Outcome& a, const harness::Outcome& b);

}  // namespace shmcheck::properties
