// Slices: any start, stop and step (None, negative, out of range) for reading and writing;
// a wrong length or a zero step is a value error that changes nothing.
#include "ops.hpp"
#include "property.hpp"

namespace shmcheck::properties {

using nlohmann::json;
using harness::Capabilities;
using namespace ops;

namespace {

// How many elements a slice selects, Python's way (range(n)[s]); the model computes it again
// on its own, this only steers the generator towards right lengths.
int selected(const json& s, int n) {
  const long long step = s[2].is_null() ? 1 : s[2].get<long long>();
  auto norm = [n](const json& v, long long dflt, long long lo, long long hi) {
    if (v.is_null()) return dflt;
    long long x = v.get<long long>();
    if (x < 0) x = x < -n ? lo : x + n;
    return std::min(std::max(x, lo), hi);
  };
  long long count = 0;
  if (step > 0) {
    for (long long i = norm(s[0], 0, 0, n), stop = norm(s[1], n, 0, n); i < stop; i += step) ++count;
  } else if (step < 0) {
    for (long long i = norm(s[0], n - 1, -1, n - 1), stop = norm(s[1], -1, -1, n - 1); i > stop; i += step) ++count;
  }
  return static_cast<int>(count);
}

}  // namespace

std::vector<Property> slice_properties() {
  std::vector<Property> ps;
  ps.push_back({"slice-read", "slices with any start, stop and step (negative, None, out of range) read what Python's rules select",
                cases([](const Capabilities& caps) {
                  const char tc = *gen::typecode(caps);
                  const int n = *rc::gen::inRange(0, 16);
                  json ops = json::array({array("a", tc, *gen::lock_mode(), storable_items(tc, caps, n))});
                  for (int k = 0; k < 6; ++k) ops.push_back(on("get_slice", "a", {{"slice", *gen::slice(n, false)}}));
                  ops.push_back(drop("a"));
                  return Case{ops};
                })});
  ps.push_back({"slice-write", "a slice assignment of the right length writes exactly the selected elements, for any start, stop and step",
                cases([](const Capabilities& caps) {
                  const char tc = *gen::typecode(caps);
                  const int n = *rc::gen::inRange(0, 16);
                  json ops = json::array({array("a", tc, *gen::lock_mode(), storable_items(tc, caps, n))});
                  for (int k = 0; k < 4; ++k) {
                    const json s = *gen::slice(n, false);
                    ops.push_back(on("set_slice", "a", {{"slice", s}, {"items", storable_items(tc, caps, selected(s, n))}}));
                    ops.push_back(read_all("a"));
                  }
                  ops.push_back(drop("a"));
                  return Case{ops};
                })});
  ps.push_back({"slice-wrong-length", "a slice assignment with too many or too few items is a value error and changes nothing",
                cases([](const Capabilities& caps) {
                  const char tc = *gen::typecode(caps);
                  const int n = *rc::gen::inRange(0, 16);
                  const json s = *gen::slice(n, false);
                  const int right = selected(s, n);
                  int wrong = std::max(0, right + *rc::gen::element(-3, -2, -1, 1, 2, 5));
                  if (wrong == right) wrong = right + 1;
                  return Case{json::array({array("a", tc, *gen::lock_mode(), storable_items(tc, caps, n)),
                                           on("set_slice", "a", {{"slice", s}, {"items", storable_items(tc, caps, wrong)}}),
                                           read_all("a"), drop("a")})};
                })});
  ps.push_back({"slice-step-zero", "a slice with step 0 is a value error for reading and for writing, and changes nothing",
                cases([](const Capabilities& caps) {
                  const char tc = *gen::typecode(caps);
                  const int n = *rc::gen::inRange(0, 8);
                  json s = *gen::slice(n, false);
                  s[2] = 0;
                  return Case{json::array({array("a", tc, *gen::lock_mode(), storable_items(tc, caps, n)),
                                           on("get_slice", "a", {{"slice", s}}),
                                           on("set_slice", "a", {{"slice", s}, {"items", storable_items(tc, caps, *rc::gen::inRange(0, 3))}}),
                                           read_all("a"), drop("a")})};
                })});
  return ps;
}

}  // namespace shmcheck::properties
