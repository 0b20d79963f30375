// An in-process adapter, built against an installed shmcheck (component implementation): an
// implementation is a function from a protocol operation (protocol/PROTOCOL.md §4) to its
// Outcome, and InProcessImplementation makes it a shmcheck::harness::Implementation, the
// interface every suite talks to. This one serves arrays of the reference's, a few operations
// of them, and checks what the interface reports: its handshake, a result, an error as an
// observation, and a refused handshake as Broken. Exit 0 when all hold, 1 otherwise.
#include <shmcheck/harness/in_process.hpp>
#include <shmcheck/object.hpp>
#include <shmcheck/protocol/error_kinds.hpp>
#include <shmcheck/protocol/item_codec.hpp>
#include <shmcheck/version.hpp>

#include <iostream>
#include <map>
#include <string>

namespace {

using shmcheck::protocol::Outcome;
using nlohmann::json;

class Arrays {
 public:
  Outcome perform(const json& op) {
    try {
      return {.ok = true, .result = dispatch(op)};
    } catch (const shmcheck::Error& e) {  // the implementation's own error: an observation
      return {.ok = false,
              .kind = std::string(shmcheck::protocol::kind_name(e.kind())),
              .type = std::string(shmcheck::protocol::python_exception(e.kind())),
              .message = e.what()};
    } catch (const std::exception& e) {  // a request it cannot read
      return {.ok = false, .kind = "other", .type = "ProtocolError", .message = e.what()};
    }
  }

 private:
  json dispatch(const json& op) {
    const std::string name = op.at("op");
    if (name == "hello")
      return {{"protocol", 1},
              {"name", "example-arrays"},
              {"version", shmcheck::version},
              {"platform", {{"os", "linux"}, {"machine", "x86_64"}}},
              {"capabilities", {{"typecodes", "i"}}}};
    if (name == "create") {
      const std::string handle = op.value("as", "a" + std::to_string(arrays_.size()));
      arrays_.insert_or_assign(handle, shmcheck::make_array(op.at("tc").get<std::string>().at(0), op.at("size").get<std::int64_t>()));
      return handle;
    }
    shmcheck::Object& array = arrays_.at(op.at("obj").get<std::string>());
    if (name == "get") return shmcheck::protocol::item_to_json(array.get(op.at("index").get<std::int64_t>()));
    if (name == "set") {
      array.set(op.at("index").get<std::int64_t>(), shmcheck::protocol::item_from_json(op.at("item")));
      return nullptr;
    }
    if (name == "len") return array.length();
    throw std::invalid_argument("unknown op " + name);
  }

  std::map<std::string, shmcheck::Object> arrays_;
};

bool check(bool holds, const std::string& what) {
  std::cout << (holds ? "ok: " : "FAILED: ") << what << "\n";
  return holds;
}

}  // namespace

int main() {
  Arrays arrays;
  shmcheck::harness::InProcessImplementation impl("example", [&](const json& op) { return arrays.perform(op); });
  const auto outcomes = impl.run(json::array({
      {{"op", "create"}, {"shape", "array"}, {"tc", "i"}, {"size", 3}, {"as", "a"}},
      {{"op", "set"}, {"obj", "a"}, {"index", 1}, {"item", 7}},
      {{"op", "get"}, {"obj", "a"}, {"index", 1}},
      {{"op", "get"}, {"obj", "a"}, {"index", 3}},
  }));
  bool ok = check(impl.describe().label() == std::string("example-arrays ") + shmcheck::version,
                  "handshake: " + impl.describe().label());
  ok &= check(outcomes.size() == 4 && outcomes[0].ok && outcomes[1].ok, "create and set");
  ok &= check(outcomes.size() == 4 && outcomes[2].ok && outcomes[2].result == 7, "a[1] reads back 7");
  ok &= check(outcomes.size() == 4 && !outcomes[3].ok && outcomes[3].kind == "index_error",
              "a[3] is an index_error: " + (outcomes.size() == 4 ? outcomes[3].message : std::string("?")));
  try {
    shmcheck::harness::InProcessImplementation refusing("refusing", [](const json&) {
      return Outcome{.ok = false, .kind = "unsupported", .message = "no protocol 1 here"};
    });
    ok &= check(false, "a refused handshake throws Broken");
  } catch (const shmcheck::harness::Broken& e) {
    ok &= check(true, std::string("a refused handshake throws Broken: ") + e.what());
  }
  return ok ? 0 : 1;
}
