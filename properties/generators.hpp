#pragma once
// RapidCheck generators for the pieces of operations: typecodes, items of the right and the
// wrong kind, indices and slices.
#include <shmcheck/harness/implementation.hpp>

#include <shmcheck/item.hpp>

#include <rapidcheck.h>

#include <string>

namespace shmcheck::properties::gen {

rc::Gen<char> typecode(const harness::Capabilities& caps);
// Items a store into `tc` accepts (after conversion), extremes and wrap-around included.
rc::Gen<nlohmann::json> storable(char tc, const harness::Capabilities& caps);
// Items of a kind `tc` refuses (a float into 'i', a str into 'd', ...).
rc::Gen<nlohmann::json> wrong_kind(char tc);
// Any item, right or wrong.
rc::Gen<nlohmann::json> any_item(char tc, const harness::Capabilities& caps);
// [start, stop, step] with nulls, negatives, out-of-range bounds; step 0 only if allowed.
rc::Gen<nlohmann::json> slice(int length, bool allow_zero_step);
rc::Gen<std::string> lock_mode();  // "own" or "none"

}  // namespace shmcheck::properties::gen
