// What objects are beyond their elements: 'c' and 'u' strings, copies, views of the same
// memory (get_obj, synchronized), and how many bytes an element takes.
#include "ops.hpp"
#include "property.hpp"

#include <shmcheck/protocol/item_codec.hpp>

namespace shmcheck::properties {

using nlohmann::json;
using harness::Capabilities;
using namespace ops;

namespace {

json some_bytes(int len) {
  std::string b;
  for (int k = 0; k < len; ++k) b += static_cast<char>(*rc::gen::element(0, 'a', 'b', 'z', 0x7f, 0xff));
  return protocol::item_to_json(Item::bytes(b));
}

json some_str(int len) {
  std::u32string s;
  for (int k = 0; k < len; ++k) s += *rc::gen::element(U'\0', U'a', U'\u00e9', U'\u4e2d', U'z');
  return protocol::item_to_json(Item::str(s));
}

}  // namespace

std::vector<Property> object_properties() {
  std::vector<Property> ps;
  ps.push_back({"c-array-value-raw",
                "a 'c' array's value stops at the first NUL, a shorter value= writes a terminator, a longer one is a value error; raw is every byte and raw= writes a prefix",
                cases([](const Capabilities& caps) {
                  const int n = *rc::gen::inRange(1, 10);
                  json ops = json::array({array("s", 'c', *gen::lock_mode(), storable_items('c', caps, n))});
                  for (int k = 0; k < 4; ++k) {
                    ops.push_back(on(*rc::gen::element("set_value", "set_raw"), "s", {{"item", some_bytes(*rc::gen::inRange(0, n + 2))}}));
                    ops.push_back(on("value", "s"));
                    ops.push_back(on("raw", "s"));
                  }
                  ops.push_back(drop("s"));
                  return Case{ops};
                })});
  ps.push_back({"u-array-value",
                "a raw 'u' array has value (up to the first NUL; value= writes a terminator; too long is a value error); a synchronized one has no value to read, and neither has raw",
                cases([](const Capabilities& caps) {
                  const int n = *rc::gen::inRange(1, 8);
                  const std::string lock = *gen::lock_mode();
                  json ops = json::array({array("s", 'u', lock, storable_items('u', caps, n)), on("value", "s"), on("raw", "s")});
                  for (int k = 0; k < 3 && lock == "none"; ++k) {
                    ops.push_back(on("set_value", "s", {{"item", some_str(*rc::gen::inRange(0, n + 2))}}));
                    ops.push_back(on("value", "s"));
                    ops.push_back(read_all("s"));
                  }
                  ops.push_back(drop("s"));
                  return Case{ops};
                })});
  ps.push_back({"missing-attribute-set-fails",
                "setting value on an array that has none (not 'c', or a synchronized 'u'), or raw on anything but a 'c' array, is an attribute error that changes nothing",
                cases([](const Capabilities& caps) {
                  std::string codes;
                  for (char c : caps.typecodes)
                    if (c != 'c') codes += c;
                  const char tc = *rc::gen::elementOf(codes);
                  const int n = *rc::gen::inRange(1, 5);
                  const std::string lock = tc == 'u' ? std::string("own") : *gen::lock_mode();
                  const json item = tc == 'u' ? some_str(1) : *gen::storable(tc, caps);
                  return Case{json::array({array("a", tc, lock, n), on("set_value", "a", {{"item", item}}), on("value", "a"),
                                           on("set_raw", "a", {{"item", some_bytes(1)}}), on("raw", "a"), read_all("a"), drop("a")})};
                })});
  ps.push_back({"copy-independent",
                "copy() of a raw object is a new object with the same elements: writes to either never show in the other; copy() of a synchronized one is a type error",
                cases([](const Capabilities& caps) {
                  const char tc = *gen::typecode(caps);
                  const int n = *rc::gen::inRange(1, 8);
                  json ops = json::array({array("a", tc, *gen::lock_mode(), storable_items(tc, caps, n)), on("copy", "a", {{"as", "b"}}),
                                          read_all("b")});
                  for (int k = 0; k < 4; ++k) {
                    const std::string target = *rc::gen::element<std::string>("a", "b");
                    ops.push_back(on("set", target, {{"index", *rc::gen::inRange(0, n)}, {"item", *gen::storable(tc, caps)}}));
                  }
                  for (const char* h : {"a", "b"}) ops.push_back(read_all(h));
                  ops.push_back(drop("a"));
                  ops.push_back(drop("b"));
                  return Case{ops};
                })});
  ps.push_back({"views-share-memory",
                "get_obj() of a synchronized object and synchronized() of a raw one are views of the same memory: a write through one is read through the other",
                cases([](const Capabilities& caps) {
                  const char tc = *gen::typecode(caps);
                  const int n = *rc::gen::inRange(1, 6);
                  json ops = json::array({array("s", tc, "own", n), on("get_obj", "s", {{"as", "r"}}), array("p", tc, "none", n),
                                          on("synchronized", "p", {{"as", "q"}})});
                  for (int k = 0; k < 6; ++k) {
                    const std::string target = *rc::gen::element<std::string>("s", "r", "p", "q");
                    ops.push_back(on("set", target, {{"index", *rc::gen::inRange(0, n)}, {"item", *gen::storable(tc, caps)}}));
                  }
                  for (const char* h : {"s", "r", "p", "q"}) ops.push_back(read_all(h));
                  for (const char* h : {"s", "r", "p", "q"}) ops.push_back(drop(h));
                  return Case{ops};
                })});
  ps.push_back({"lock-only-when-synchronized",
                "a raw object has no lock and no get_obj (attribute errors) and synchronized() gives it one; a synchronized object cannot be synchronized again",
                cases([](const Capabilities& caps) {
                  const char tc = *gen::typecode(caps);
                  const bool is_value = *rc::gen::arbitrary<bool>();
                  json ops = json::array({is_value ? value("r", tc, "none") : array("r", tc, "none", 2), on("acquire", "r"),
                                          on("release", "r"), on("get_obj", "r"), on("synchronized", "r", {{"as", "s"}}),
                                          on("acquire", "s"), on("release", "s"), on("synchronized", "s", {{"as", "t"}})});
                  for (const char* h : {"r", "s"}) ops.push_back(drop(h));
                  return Case{ops};
                })});
  ps.push_back({"sizes-match-platform",
                "an object's bytes (nbytes; ctypes.sizeof for CPython) are its length times the platform's C size for its typecode",
                cases([](const Capabilities& caps) {
                  json ops = json::array();
                  for (char tc : caps.typecodes) {
                    const std::string h(1, tc);
                    ops.push_back(value("v" + h, tc, *gen::lock_mode()));
                    ops.push_back(on("nbytes", "v" + h));
                    ops.push_back(array("a" + h, tc, *gen::lock_mode(), *rc::gen::inRange(0, 9)));
                    ops.push_back(on("nbytes", "a" + h));
                  }
                  return Case{ops};
                })});
  return ps;
}

}  // namespace shmcheck::properties
