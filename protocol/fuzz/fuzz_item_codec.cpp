// The item codec both ways (item_codec.hpp). Two halves, chosen by the first byte:
//   even: the rest is JSON text (an item as a driver writes it): parse_message, item_from_json;
//         what it accepts must be an item by the schema's check (is_item), must write back
//         (item_to_json) as an item, and read back to the same item.
//   odd:  the rest is raw data made into an item shmcheck may write (bytes, a str of any
//         code points, an int of 128 bits, a double's bits): item_to_json, dump, parse_message,
//         item_from_json gives it back (a str's non-scalar code points as U+FFFD).
// A ValueError from item_from_json is the codec refusing: fine. Anything else is a finding.
#include <shmcheck/protocol/item_codec.hpp>
#include <shmcheck/protocol/result_shapes.hpp>

#include "known.hpp"

#include <shmcheck/error.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

using nlohmann::json;
using namespace shmcheck;
using namespace shmcheck::protocol;

namespace {

[[noreturn]] void fail(const char* what, const Item& a, const Item& b) {
  std::fprintf(stderr, "item codec: %s: %s vs %s\n", what, a.repr().c_str(), b.repr().c_str());
  std::abort();
}

// Written and read back: the same item (a float NaN is NaN, the bits of its payload aside).
void round_trip(const Item& item) {
  const json written = item_to_json(item);
  if (!is_item(written)) fail("item_to_json wrote what is_item refuses", item, item);
  const Item back = item_from_json(parse_message(written.dump(), true));
  if (item.is_float() && std::isnan(item.as_float()) && back.is_float() && std::isnan(back.as_float())) return;
  if (!(back == item)) fail("round trip changed the item", item, back);
}

void from_text(std::string_view text) {
  const json j = parse_message(text);
  if (j.is_discarded()) return;
  Item item;
  try {
    item = item_from_json(j);
  } catch (const ValueError&) {
    return;
  }
  if (!is_item(j)) fail("item_from_json read what is_item refuses", item, item);
  round_trip(item);
}

void from_data(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return;
  const std::uint8_t kind = data[0] % 4;
  ++data, --size;
  if (kind == 0) {
    round_trip(Item::bytes(std::string(reinterpret_cast<const char*>(data), size)));
  } else if (kind == 1) {
    std::u32string s;
    for (std::size_t i = 0; i + 4 <= size; i += 4) {
      char32_t c;
      std::memcpy(&c, data + i, 4);
      s.push_back(c);
    }
    // What JSON cannot carry is written as U+FFFD: compare with that.
    std::u32string expected = s;
    for (char32_t& c : expected)
      if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) c = 0xFFFD;
    const Item back = item_from_json(parse_message(item_to_json(Item::str(s)).dump(), true));
    if (!(back == Item::str(expected))) fail("str round trip", Item::str(expected), back);
  } else if (kind == 2) {
    UInt u = 0;
    std::memcpy(&u, data, std::min<std::size_t>(size, sizeof u));
    round_trip(Item(static_cast<Int>(u)));
  } else {
    double d = 0;
    std::memcpy(&d, data, std::min<std::size_t>(size, sizeof d));
    round_trip(Item(d));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  try {
    if (data[0] % 2 == 0) from_text(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
    else from_data(data + 1, size - 1);
  } catch (const json::exception& e) {
    if (!fuzz::known_non_utf8(e)) throw;
  }
  return 0;
}
