// Cross-process visibility. RapidCheck's generators stay in this process: a scenario is
// generated here, performed by a child of the implementation, and what both sides observe is
// judged against the model.
#include "ops.hpp"
#include "property.hpp"

namespace shmcheck::properties {

using nlohmann::json;
using harness::Capabilities;
using namespace ops;

namespace {

// Writes to an array and a value: elements, slices of the right length, the value.
json writes(char tc, const Capabilities& caps, int n, int count) {
  json ops = json::array();
  for (int k = 0; k < count; ++k) {
    switch (*rc::gen::inRange(0, 3)) {
      case 0: ops.push_back(on("set", "a", {{"index", *rc::gen::inRange(-n, n)}, {"item", *gen::storable(tc, caps)}})); break;
      case 1: {
        const int start = *rc::gen::inRange(0, n), step = *rc::gen::inRange(1, 3);
        const int count_selected = (n - start + step - 1) / step;
        ops.push_back(on("set_slice", "a", {{"slice", json::array({start, nullptr, step})}, {"items", storable_items(tc, caps, count_selected)}}));
        break;
      }
      default: ops.push_back(on("set_value", "v", {{"item", *gen::storable(tc, caps)}})); break;
    }
  }
  return ops;
}

}  // namespace

std::string needs_child(const Capabilities& caps) {
  return caps.child ? "" : "the implementation runs no operations in a child process (capability child)";
}

std::string needs_async_child(const Capabilities& caps) {
  return caps.async_child ? "" : "the implementation has no child_start/child_wait/wait_for (capability async_child)";
}

std::vector<Property> process_properties() {
  std::vector<Property> ps;
  ps.push_back({"child-writes-visible",
                "writes a child makes (elements, slices, values; locked or raw objects) are seen by the parent exactly as the model predicts, and the child sees the parent's earlier writes",
                cases([](const Capabilities& caps) {
                  const char tc = *gen::typecode(caps);
                  const int n = *rc::gen::inRange(1, 12);
                  const auto lock = *gen::lock_mode();
                  json ops = json::array({array("a", tc, lock, n), value("v", tc, lock)});
                  for (const auto& w : writes(tc, caps, n, *rc::gen::inRange(0, 4))) ops.push_back(w);
                  json in_child = json::array({read_all("a"), on("value", "v")});
                  for (const auto& w : writes(tc, caps, n, *rc::gen::inRange(1, 6))) in_child.push_back(w);
                  ops.push_back(child(in_child));
                  ops.push_back(read_all("a"));
                  ops.push_back(on("value", "v"));
                  ops.push_back(drop("a"));
                  ops.push_back(drop("v"));
                  return Case{ops};
                }),
                needs_child});
  ps.push_back({"parent-writes-after-start-visible",
                "a child that is already running sees the writes its parent makes after it started (it waits for a flag the parent sets last)",
                cases([](const Capabilities& caps) {
                  const char tc = *gen::typecode(caps);
                  const int n = *rc::gen::inRange(1, 12);
                  const auto lock = *gen::lock_mode();
                  json ops = json::array({array("a", tc, lock, n), value("v", tc, lock), value("flag", 'i', "none")});
                  ops.push_back(child_start("kid", json::array({on("wait_for", "flag", {{"item", 1}, {"timeout", 2}}), read_all("a"),
                                                                on("value", "v")})));
                  for (const auto& w : writes(tc, caps, n, *rc::gen::inRange(1, 6))) ops.push_back(w);
                  ops.push_back(on("set_value", "flag", {{"item", 1}}));
                  ops.push_back(on("child_wait", "kid"));
                  for (const char* h : {"a", "v", "flag"}) ops.push_back(drop(h));
                  return Case{ops};
                }),
                needs_async_child});
  ps.push_back({"dropped-while-child-uses",
                "an object the parent drops while a running child still uses it keeps its memory: a new object of the same size gets other memory, and the child still reads the old elements (CPython's gh-110660)",
                cases([](const Capabilities& caps) {
                  const char tc = *gen::typecode(caps);
                  const int n = *rc::gen::inRange(1, 12);
                  const auto lock = *gen::lock_mode();
                  // Garbage of earlier cases first: freed by the collect below together with
                  // "a", it would merge with its block and hand the new objects other memory.
                  json ops = json::array({collect(), array("a", tc, lock, storable_items(tc, caps, n)), value("flag", 'i', "none")});
                  ops.push_back(child_start("kid", json::array({on("wait_for", "flag", {{"item", 1}, {"timeout", 2}}), read_all("a")})));
                  ops.push_back(drop("a"));
                  // Where memory comes back only when a collector runs (PyPy), now: else the
                  // hazard could hide behind a collection that has not happened yet.
                  ops.push_back(collect());
                  for (int k = 0; k < 3; ++k) {  // whatever reuses the memory writes other elements
                    const std::string b = "b" + std::to_string(k);
                    ops.push_back(array(b, tc, lock, n));
                    ops.push_back(on("set_slice", b, {{"slice", whole()}, {"items", storable_items(tc, caps, n)}}));
                  }
                  ops.push_back(on("set_value", "flag", {{"item", 1}}));
                  ops.push_back(on("child_wait", "kid"));
                  return Case{ops};
                }),
                needs_async_child});
  return ps;
}

}  // namespace shmcheck::properties
