#pragma once
// The item codec: how an Item is written in JSON, here and in the driver protocol: null,
// true/false and numbers as themselves (a number with a fraction or exponent is a float, anything else an
// int), and the kinds JSON lacks as one-key objects:
//   {"int": "18446744073709551616"}   an int beyond 64 bits (decimal text)
//   {"float": "inf"} / "-inf" / "nan"   non-finite floats
//   {"bytes": "ab\u0000"}             bytes: each character is one byte (U+0000..U+00FF)
//   {"str": "a"}                      str (a surrogate or a code point past U+10FFFF, which JSON
//                                     cannot carry, is written as U+FFFD)
#include <shmcheck/item.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace shmcheck::protocol {

Item item_from_json(const nlohmann::json& j);  // throws ValueError naming what it got
// An int beyond 2^53 is written {"int": "..."}: a JSON number past that cannot be read
// exactly where every number is a double (JavaScript), so it travels as text both ways.
nlohmann::json item_to_json(const Item& item);

// The largest magnitude of an int written as a bare JSON number.
inline constexpr std::int64_t kExactInJson = std::int64_t{1} << 53;
// A request (or a list of them, as batch and child carry) with every item that is an int
// beyond 2^53 written {"int": "..."}: the items shmcheck sends are exact for every driver.
nlohmann::json portable_items(nlohmann::json request);

// Items as the protocol compares them: equal, or a float and an int of exactly its value (for
// a float typecode an integer-valued JSON number is the same item: some languages cannot
// write 0.0 apart from 0).
bool same_item(const Item& a, const Item& b);

// The protocol says a bare integer literal is an int, however long (Python's json writes big
// ints bare), but nlohmann reads one that fits in neither int64 nor uint64 as a double. This
// rewrites such literals outside strings as {"int": "..."} items; everything else is unchanged.
std::string big_ints_as_items(std::string_view text);
// How deeply a message may nest arrays and objects (PROTOCOL.md §1). The deepest answer the
// protocol asks for is 8 levels (a response, its batch, an outcome, a child's result, its
// outcomes, an outcome, a slice, an item); 64 leaves room for what a driver adds, and keeps
// nlohmann's copies and destructors, which recurse once per level, far from the stack's end.
inline constexpr std::size_t kMaxNesting = 64;
// Whether `text` nests arrays and objects (outside strings) deeper than `limit`: a scan that
// looks at each byte once, before any tree is built.
bool nested_deeper_than(std::string_view text, std::size_t limit = kMaxNesting);
// Parses one protocol message (or any JSON text shmcheck reads) with big ints kept as ints.
// Without exceptions, text that is not JSON, or nested deeper than kMaxNesting, gives a
// discarded value; with them, json::exception or ValueError ("nested deeper than 64 levels").
nlohmann::json parse_message(std::string_view text, bool allow_exceptions = false);

}  // namespace shmcheck::protocol
