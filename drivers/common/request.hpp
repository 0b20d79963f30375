#pragma once
// The request plumbing the C++ drivers share (protocol/PROTOCOL.md §2-4): argument helpers,
// the mapping of exceptions onto outcomes, and `batch` (children: children.hpp). The
// implementations (ref, boost) keep only what is theirs: objects, handles and dispatch.
#include <shmcheck/protocol/outcome.hpp>

#include <shmcheck/item.hpp>
#include <shmcheck/slice.hpp>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace shmcheck::drivers {

// A request the protocol does not allow (as opposed to an error of the implementation):
// kind "other", type "ProtocolError".
struct ProtocolError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The request needs something this implementation does not have: kind "unsupported".
struct Unsupported : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// An error of the implementation that is not a shmcheck::Error (e.g. a library's own
// exception), reported with the given kind and type.
struct ImplementationError : std::runtime_error {
  ImplementationError(std::string kind, std::string type, const std::string& message)
      : std::runtime_error(message), kind(std::move(kind)), type(std::move(type)) {}
  std::string kind;
  std::string type;
};

// op[key], or ProtocolError naming the op and the missing key.
const nlohmann::json& need(const nlohmann::json& op, const char* key);
// [start, stop, step] (ints or null); ProtocolError when not a 3-list.
Slice slice_arg(const nlohmann::json& j);
// A list of items; ProtocolError when not a list.
std::vector<Item> items_arg(const nlohmann::json& j);
nlohmann::json items_json(const std::vector<Item>& items);
// op["tc"] as one character; a longer string is the TypeError typecode() gives for it.
char typecode_arg(const nlohmann::json& op);

// Runs `perform` and maps what it throws onto the outcome: shmcheck::Error -> its kind and
// Python exception name; ImplementationError -> its kind and type; Unsupported ->
// "unsupported"; any other std::exception (ProtocolError, json type errors) -> kind "other",
// type "ProtocolError".
protocol::Outcome outcome_of(const std::function<nlohmann::json()>& perform);

// `batch`: performs op["ops"] in order, one outcome JSON each.
nlohmann::json run_batch(const nlohmann::json& op, const std::function<protocol::Outcome(const nlohmann::json&)>& perform);

}  // namespace shmcheck::drivers
