#include "generators.hpp"

#include <shmcheck/protocol/item_codec.hpp>

#include <cstring>
#include <limits>

namespace shmcheck::properties::gen {

using nlohmann::json;

namespace {

bool is_int_code(char tc) { return std::string_view("bBhHiIlLqQ").find(tc) != std::string_view::npos; }

json int_item(Int v) { return protocol::item_to_json(Item(v)); }

}  // namespace

rc::Gen<char> typecode(const harness::Capabilities& caps) {
  return rc::gen::elementOf(std::vector<char>(caps.typecodes.begin(), caps.typecodes.end()));
}

rc::Gen<json> storable(char tc, const harness::Capabilities& caps) {
  if (is_int_code(tc)) {
    const int bits = 8 * caps.sizes.at(tc).first;
    const bool is_signed = std::string_view("bhilq").find(tc) != std::string_view::npos;
    const Int lo = is_signed ? -(static_cast<Int>(1) << (bits - 1)) : 0;
    const Int hi = is_signed ? (static_cast<Int>(1) << (bits - 1)) - 1 : (static_cast<Int>(1) << bits) - 1;
    return rc::gen::oneOf(
        rc::gen::map(rc::gen::arbitrary<std::int64_t>(), [](std::int64_t v) { return int_item(v); }),
        rc::gen::map(rc::gen::inRange<int>(-3, 4), [](int v) { return int_item(v); }),
        rc::gen::map(rc::gen::elementOf(std::vector<int>{0, 1, 2, 3}),
                     [lo, hi](int k) {
                       const Int edges[] = {lo, hi, lo - 1, hi + 1};  // the last two wrap
                       return int_item(edges[k]);
                     }),
        rc::gen::map(rc::gen::arbitrary<std::uint64_t>(), [](std::uint64_t v) {
          return int_item(static_cast<Int>(v) * 3 - (static_cast<Int>(1) << 64));  // beyond 64 bits too
        }));
  }
  if (tc == 'f' || tc == 'd')
    return rc::gen::oneOf(rc::gen::map(rc::gen::arbitrary<double>(), [](double d) { return protocol::item_to_json(Item(d)); }),
                          rc::gen::map(rc::gen::arbitrary<float>(),
                                       [](float f) { return protocol::item_to_json(Item(static_cast<double>(f))); }),
                          rc::gen::map(rc::gen::inRange<int>(-1000, 1000), [](int v) { return int_item(v); }));
  if (tc == 'c') {
    auto byte = [](int b) { return protocol::item_to_json(Item::bytes(std::string(1, static_cast<char>(b)))); };
    // The edges as often as the rest, as for integers: a NUL (falsy in Python) stored over a
    // non-zero byte is where PyPy's `if val:` setter loses the store, 1 item in 128 otherwise.
    return rc::gen::oneOf(rc::gen::map(rc::gen::inRange<int>(0, 256), byte),
                          rc::gen::map(rc::gen::inRange<int>(0, 256), [](int b) { return int_item(b); }),
                          rc::gen::elementOf(std::vector<json>{byte(0), int_item(0), byte(255), int_item(255)}));
  }
  // 'u': one code point, no surrogates (JSON text cannot carry them).
  const int max = caps.sizes.at('u').first >= 4 ? 0x10FFFF : 0xFFFF;
  return rc::gen::map(rc::gen::inRange<int>(1, max + 1), [](int cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) cp -= 0x800;
    return protocol::item_to_json(Item::str(std::u32string(1, static_cast<char32_t>(cp))));
  });
}

rc::Gen<json> wrong_kind(char tc) {
  std::vector<json> wrong;
  if (is_int_code(tc)) wrong = {1.5, json{{"str", "a"}}, nullptr, json{{"bytes", "a"}}, -0.0};
  else if (tc == 'f' || tc == 'd') wrong = {json{{"str", "3"}}, nullptr, json{{"bytes", "x"}}};
  else if (tc == 'c') wrong = {json{{"str", "a"}}, json{{"bytes", "ab"}}, 256, -1, 1.0, nullptr};
  else wrong = {65, json{{"str", "xy"}}, json{{"bytes", "a"}}, nullptr, 1.5};
  return rc::gen::elementOf(wrong);
}

rc::Gen<json> any_item(char tc, const harness::Capabilities& caps) {
  return rc::gen::weightedOneOf<json>({{4, storable(tc, caps)}, {1, wrong_kind(tc)}});
}

rc::Gen<json> slice(int length, bool allow_zero_step) {
  auto bound = rc::gen::oneOf(rc::gen::just(json(nullptr)),
                              rc::gen::map(rc::gen::inRange(-length - 3, length + 4), [](int v) { return json(v); }),
                              rc::gen::map(rc::gen::arbitrary<std::int64_t>(), [](std::int64_t v) { return json(v); }));
  auto step = rc::gen::oneOf(rc::gen::just(json(nullptr)),
                             rc::gen::map(rc::gen::inRange(allow_zero_step ? -4 : 1, 5), [](int v) { return json(v); }),
                             rc::gen::map(rc::gen::inRange(-4, 0), [](int v) { return json(v); }));
  return rc::gen::map(rc::gen::tuple(bound, bound, step), [](const std::tuple<json, json, json>& t) {
    return json::array({std::get<0>(t), std::get<1>(t), std::get<2>(t)});
  });
}

rc::Gen<std::string> lock_mode() { return rc::gen::element<std::string>("own", "none"); }

}  // namespace shmcheck::properties::gen
