#include "request.hpp"

#include <shmcheck/protocol/error_kinds.hpp>
#include <shmcheck/protocol/item_codec.hpp>

#include <shmcheck/error.hpp>
#include <shmcheck/typecode.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace shmcheck::drivers {

using protocol::Outcome;
using nlohmann::json;

namespace {

std::optional<std::int64_t> opt_int(const json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<std::int64_t>();
}

}  // namespace

const json& need(const json& op, const char* key) {
  if (!op.contains(key)) throw ProtocolError(std::string("'") + op.value("op", "?") + "' needs '" + key + "'");
  return op.at(key);
}

Slice slice_arg(const json& j) {
  if (!j.is_array() || j.size() != 3) throw ProtocolError("a slice is [start, stop, step], got " + j.dump());
  return Slice{opt_int(j[0]), opt_int(j[1]), opt_int(j[2])};
}

std::vector<Item> items_arg(const json& j) {
  if (!j.is_array()) throw ProtocolError("expected a list of items, got " + j.dump());
  std::vector<Item> out;
  for (const auto& e : j) out.push_back(protocol::item_from_json(e));
  return out;
}

json items_json(const std::vector<Item>& items) {
  json out = json::array();
  for (const auto& i : items) out.push_back(protocol::item_to_json(i));
  return out;
}

char typecode_arg(const json& op) {
  const std::string tc = need(op, "tc").get<std::string>();
  if (tc.size() != 1) typecode(std::string_view(tc));  // throws TypeError naming it
  return tc[0];
}

Outcome outcome_of(const std::function<json()>& perform) {
  Outcome o;
  try {
    o.result = perform();
  } catch (const Error& e) {
    o.ok = false;
    o.kind = protocol::kind_name(e.kind());
    o.type = protocol::python_exception(e.kind());
    o.message = e.what();
  } catch (const ImplementationError& e) {
    o.ok = false;
    o.kind = e.kind;
    o.type = e.type;
    o.message = e.what();
  } catch (const Unsupported& e) {
    o.ok = false;
    o.kind = "unsupported";
    o.message = e.what();
  } catch (const std::exception& e) {  // ProtocolError, json type errors: the request was bad
    o.ok = false;
    o.kind = "other";
    o.type = "ProtocolError";
    o.message = e.what();
  }
  return o;
}

json run_batch(const json& op, const std::function<Outcome(const json&)>& perform) {
  json out = json::array();
  for (const auto& o : need(op, "ops")) out.push_back(perform(o).to_json());
  return out;
}

}  // namespace shmcheck::drivers
