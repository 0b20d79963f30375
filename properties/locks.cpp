// The lock: recursive for its owner, exclusive across processes (also when two objects share
// it), owned (a non-owner cannot release it), and never left held by an operation that failed.
#include "ops.hpp"
#include "property.hpp"

namespace shmcheck::properties {

using nlohmann::json;
using harness::Capabilities;
using namespace ops;

namespace {

// A child's attempts at a lock that must not wait forever: without blocking, or with a short
// timeout. A child that gets the lock releases it before it ends.
json attempts(const std::vector<std::string>& handles) {
  json ops = json::array();
  for (const auto& h : handles) {
    ops.push_back(*rc::gen::arbitrary<bool>() ? try_acquire(h) : timed_acquire(h, 0.02));
    ops.push_back(on("release", h));  // an assertion error unless the acquire succeeded
  }
  return ops;
}

}  // namespace

std::vector<Property> lock_properties() {
  std::vector<Property> ps;
  ps.push_back({"lock-recursion", "the owner may acquire N times (blocking or not) and must release N times; one release more is an assertion error",
                cases([](const Capabilities& caps) {
                  const char tc = *gen::typecode(caps);
                  const int depth = *rc::gen::inRange(1, 8);
                  json ops = json::array({array("a", tc, "own", 2)});
                  for (int k = 0; k < depth; ++k)
                    ops.push_back(*rc::gen::element(on("acquire", "a"), try_acquire("a"), timed_acquire("a", 0.5)));
                  ops.push_back(on("get", "a", {{"index", 0}}));  // access nests inside the hold
                  ops.push_back(on("set", "a", {{"index", 1}, {"item", *gen::storable(tc, caps)}}));
                  for (int k = 0; k < depth + 1; ++k) ops.push_back(on("release", "a"));
                  ops.push_back(drop("a"));
                  return Case{ops};
                })});
  ps.push_back({"lock-excludes-processes",
                "while this process holds a lock, another process's non-blocking acquire fails and a timed one times out, also through a second object sharing the lock; after the last release they succeed",
                cases([](const Capabilities& caps) {
                  const char tc = *gen::typecode(caps);
                  const bool shared = *rc::gen::arbitrary<bool>();
                  json ops = json::array({array("a", tc, "own", 1), array("b", tc, shared ? shared_with("a") : json("own"), 1)});
                  const int depth = *rc::gen::inRange(1, 3);
                  for (int k = 0; k < depth; ++k) ops.push_back(on("acquire", "a"));
                  ops.push_back(child(attempts({"a", "b"})));
                  for (int k = 0; k < depth; ++k) {
                    ops.push_back(on("release", "a"));
                    ops.push_back(child(attempts({*rc::gen::element<std::string>("a", "b")})));
                  }
                  ops.push_back(drop("a"));
                  ops.push_back(drop("b"));
                  return Case{ops};
                }),
                needs_child});
  ps.push_back({"release-by-non-owner", "a process that does not hold a lock cannot release it (assertion error), while the owner holds it or not",
                cases([](const Capabilities& caps) {
                  const char tc = *gen::typecode(caps);
                  const int depth = *rc::gen::inRange(0, 3);
                  json ops = json::array({value("v", tc, "own")});
                  for (int k = 0; k < depth; ++k) ops.push_back(on("acquire", "v"));
                  ops.push_back(child(json::array({on("release", "v"), try_acquire("v"), on("release", "v")})));
                  for (int k = 0; k < depth; ++k) ops.push_back(on("release", "v"));
                  ops.push_back(on("release", "v"));
                  ops.push_back(drop("v"));
                  return Case{ops};
                }),
                needs_child});
  ps.push_back({"errors-release-the-lock",
                "an operation that fails on a synchronized object (bad index, wrong kind, wrong slice length) leaves its lock free for other processes",
                cases([](const Capabilities& caps) {
                  const char tc = *gen::typecode(caps);
                  const int n = *rc::gen::inRange(0, 5);
                  json ops = json::array({array("a", tc, "own", n), value("v", tc, "own")});
                  for (int k = 0; k < 3; ++k) {
                    switch (*rc::gen::inRange(0, 5)) {
                      case 0: ops.push_back(on("get", "a", {{"index", n + *rc::gen::inRange(0, 3)}})); break;
                      case 1: ops.push_back(on("set", "a", {{"index", -n - 1}, {"item", *gen::storable(tc, caps)}})); break;
                      case 2: ops.push_back(on("set_value", "v", {{"item", *gen::wrong_kind(tc)}})); break;
                      case 3: ops.push_back(on("set_slice", "a", {{"slice", whole()}, {"items", storable_items(tc, caps, n + 1)}})); break;
                      default: ops.push_back(on("get_slice", "a", {{"slice", json::array({nullptr, nullptr, 0})}})); break;
                    }
                  }
                  ops.push_back(child(json::array({try_acquire("a"), on("release", "a"), try_acquire("v"), on("release", "v")})));
                  ops.push_back(drop("a"));
                  ops.push_back(drop("v"));
                  return Case{ops};
                }),
                needs_child});
  return ps;
}

}  // namespace shmcheck::properties
