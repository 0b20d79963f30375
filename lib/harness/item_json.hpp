#pragma once
// How an Item is written in JSON, here and in the driver protocol: null, true/false and
// numbers as themselves (a number with a fraction or exponent is a float, anything else an
// int), and the kinds JSON lacks as one-key objects:
//   {"int": "18446744073709551616"}   an int beyond 64 bits (decimal text)
//   {"float": "inf"} / "-inf" / "nan"   non-finite floats
//   {"bytes": "ab\u0000"}             bytes: each character is one byte (U+0000..U+00FF)
//   {"str": "a"}                      str (a surrogate or a code point past U+10FFFF, which JSON
//                                     cannot carry, is written as U+FFFD)
#include <shmcheck/item.hpp>

#include <nlohmann/json.hpp>

namespace shmcheck::harness {

Item item_from_json(const nlohmann::json& j);  // throws ValueError naming what it got
nlohmann::json item_to_json(const Item& item);

}  // namespace shmcheck::harness
