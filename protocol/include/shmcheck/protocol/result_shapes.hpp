#pragma once
// The shape of a successful result, by the operation that asked for it (PROTOCOL.md §4; the
// schema's $defs/results): an item for get, a list of items for get_slice, an int for len, a
// bool for acquire, a handle for create..., recursively through batch and child outcomes.
#include <nlohmann/json.hpp>

#include <string>

namespace shmcheck::protocol {

// Violation ("answers with the wrong schema: ...") when `result` is not what `op` (a request)
// answers. A result of the wrong shape is not an observation to judge. Ops it does not know
// are not checked.
void validate_result(const nlohmann::json& op, const nlohmann::json& result);

// Violation naming the fields when `observation` is not what the schema's
// $defs/observations/SCENARIO allows at its top level: an object with every required field,
// each field it describes of its type. A judge never sees an observation that lacks what it
// needs, so no verdict rests on a missing field. Unknown scenarios are not checked.
void validate_observation(const std::string& scenario, const nlohmann::json& observation);

// An item as the schema allows it ($defs/item). Not item_from_json: an int past 128 bits is
// a valid item that shmcheck cannot represent, which is a verdict about the value, not a
// malformed answer.
bool is_item(const nlohmann::json& j);

}  // namespace shmcheck::protocol
