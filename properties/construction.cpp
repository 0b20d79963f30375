// Construction: from a size, from an initializer, Values with and without an initial value,
// and memory handed out again after a free.
#include "ops.hpp"
#include "property.hpp"

namespace shmcheck::properties {

using nlohmann::json;
using harness::Capabilities;
using namespace ops;

std::vector<Property> construction_properties() {
  std::vector<Property> ps;
  ps.push_back({"zero-fill-from-size", "an array made from a size reads all zeros, for every typecode and lock mode",
                cases([](const Capabilities& caps) {
                  const char tc = *gen::typecode(caps);
                  const int n = *rc::gen::inRange(0, 40);
                  return Case{json::array({array("a", tc, *gen::lock_mode(), n), read_all("a"), on("len", "a"), drop("a")})};
                })});
  ps.push_back({"zero-fill-after-reuse",
                "memory written, freed and handed out again reads zeros, for arrays and values (CPython issue #11675)",
                cases([](const Capabilities& caps) {
                  const char tc = *gen::typecode(caps);
                  const int n = *rc::gen::inRange(1, 40);
                  const auto lock = *gen::lock_mode();
                  json ops = json::array();
                  for (int round = 0; round < 3; ++round) {
                    ops.push_back(array("a", tc, lock, n));
                    ops.push_back(value("v", tc, lock));
                    ops.push_back(read_all("a"));
                    ops.push_back(on("value", "v"));
                    ops.push_back(on("set_slice", "a", {{"slice", whole()}, {"items", storable_items(tc, caps, n)}}));
                    ops.push_back(on("set_value", "v", {{"item", *gen::storable(tc, caps)}}));
                    ops.push_back(drop("a"));
                    ops.push_back(drop("v"));
                  }
                  return Case{ops};
                })});
  ps.push_back({"initializer-round-trip", "an array made from an initializer reads back its items as converted, and has its length",
                cases([](const Capabilities& caps) {
                  const char tc = *gen::typecode(caps);
                  const int n = *rc::gen::inRange(0, 20);
                  return Case{json::array({array("a", tc, *gen::lock_mode(), storable_items(tc, caps, n)), read_all("a"),
                                           on("len", "a"), drop("a")})};
                })});
  ps.push_back({"value-initial", "a Value without an initial value reads zero; with one, it reads the value as converted",
                cases([](const Capabilities& caps) {
                  const char tc = *gen::typecode(caps);
                  const auto lock = *gen::lock_mode();
                  return Case{json::array({value("z", tc, lock), on("value", "z"), value("v", tc, lock, *gen::storable(tc, caps)),
                                           on("value", "v"), drop("z"), drop("v")})};
                })});
  ps.push_back({"initializer-wrong-kind", "an initializer with an item of the wrong kind is a type error, for arrays and values",
                cases([](const Capabilities& caps) {
                  const char tc = *gen::typecode(caps);
                  const int n = *rc::gen::inRange(0, 6);
                  json init = storable_items(tc, caps, n);
                  init.insert(init.begin() + *rc::gen::inRange(0, n + 1), *gen::wrong_kind(tc));
                  const auto lock = *gen::lock_mode();
                  return Case{json::array({array("a", tc, lock, init), value("v", tc, lock, *gen::wrong_kind(tc))})};
                })});
  ps.push_back({"negative-size", "a negative array size is a value error",
                cases([](const Capabilities& caps) {
                  const char tc = *gen::typecode(caps);
                  return Case{json::array({array("a", tc, *gen::lock_mode(), *rc::gen::inRange(-1000, 0))})};
                })});
  return ps;
}

}  // namespace shmcheck::properties
