#include "ref_implementation.hpp"

#include "item_json.hpp"

#include <shmcheck/typecode.hpp>
#include <shmcheck/version.hpp>

#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

namespace shmcheck::drivers {

using harness::Outcome;
using nlohmann::json;

namespace {

// A request the protocol does not allow (as opposed to an error of the implementation).
struct ProtocolError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// The request needs something this implementation does not have.
struct Unsupported : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::optional<std::int64_t> opt_int(const json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<std::int64_t>();
}

Slice slice_of(const json& j) {
  if (!j.is_array() || j.size() != 3) throw ProtocolError("a slice is [start, stop, step], got " + j.dump());
  return Slice{opt_int(j[0]), opt_int(j[1]), opt_int(j[2])};
}

std::vector<Item> items_of(const json& j) {
  if (!j.is_array()) throw ProtocolError("expected a list of items, got " + j.dump());
  std::vector<Item> out;
  for (const auto& e : j) out.push_back(harness::item_from_json(e));
  return out;
}

json items_json(const std::vector<Item>& v) {
  json out = json::array();
  for (const auto& i : v) out.push_back(harness::item_to_json(i));
  return out;
}

const json& need(const json& op, const char* key) {
  if (!op.contains(key)) throw ProtocolError(std::string("'") + op.value("op", "?") + "' needs '" + key + "'");
  return op.at(key);
}

char typecode_char(const json& op) {
  const std::string tc = need(op, "tc").get<std::string>();
  if (tc.size() != 1) typecode(std::string_view(tc));  // throws TypeError naming it
  return tc[0];
}

std::string read_all(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) out.append(buf, static_cast<std::size_t>(n));
    else if (n == 0 || errno != EINTR) break;
  }
  return out;
}

}  // namespace

json ref_hello() {
  utsname u{};
  uname(&u);
  json sizes = json::object();
  for (const Typecode& tc : typecodes()) sizes[std::string(1, tc.code)] = {tc.size, tc.align};
  return {{"protocol", 1},
          {"name", "shmcheck-ref"},
          {"version", version},
          {"platform", {{"os", "linux"}, {"machine", u.machine}, {"detail", std::string(u.sysname) + " " + u.release}}},
          {"capabilities",
           {{"typecodes", std::string(typecode_letters())},
            {"sizes", sizes},
            {"robust_lock", true},
            {"atomic_ops", true},
            {"child", true},
            {"start_methods", {"fork"}},
            {"scenarios", json::array()}}}};
}

RefImplementation::RefImplementation() {
  const json h = ref_hello();
  description_.spec = "ref";
  description_.name = h["name"];
  description_.version = h["version"];
  description_.platform = h["platform"];
  auto& c = description_.capabilities;
  c.typecodes = h["capabilities"]["typecodes"];
  for (const auto& [code, sz] : h["capabilities"]["sizes"].items()) c.sizes[code[0]] = {sz[0], sz[1]};
  c.robust_lock = c.atomic_ops = c.child = true;
  c.start_methods = {"fork"};
}

std::vector<Outcome> RefImplementation::run(const json& ops) {
  std::vector<Outcome> out;
  for (const auto& op : ops) out.push_back(perform(op));
  return out;
}

Outcome RefImplementation::perform(const json& op) {
  Outcome o;
  try {
    o.result = dispatch(op);
  } catch (const Error& e) {
    o.ok = false;
    o.kind = to_string(e.kind());
    o.type = python_exception(e.kind());
    o.message = e.what();
  } catch (const Unsupported& e) {
    o.ok = false;
    o.kind = "unsupported";
    o.message = e.what();
  } catch (const std::exception& e) {  // ProtocolError, json type errors: the request was bad
    o.ok = false;
    o.kind = "other";
    o.type = "ProtocolError";
    o.message = e.what();
  }
  return o;
}

Object& RefImplementation::object(const json& op) {
  const std::string name = need(op, "obj").get<std::string>();
  auto it = objects_.find(name);
  if (it == objects_.end()) throw ProtocolError("no object with handle '" + name + "'");
  return it->second;
}

std::string RefImplementation::bind(const json& op, Object obj) {
  const std::string name = op.contains("as") ? op.at("as").get<std::string>() : "h" + std::to_string(++next_handle_);
  objects_.insert_or_assign(name, std::move(obj));
  return name;
}

json RefImplementation::dispatch(const json& op) {
  const std::string name = need(op, "op").get<std::string>();
  if (name == "hello") return ref_hello();
  if (name == "bye") return nullptr;
  if (name == "batch") {
    json out = json::array();
    for (const auto& o : need(op, "ops")) out.push_back(perform(o).to_json());
    return out;
  }
  if (name == "child") return run_child(op);
  if (name == "create") {
    const char tc = typecode_char(op);
    const json lock = op.value("lock", json("own"));
    LockPolicy policy = LockPolicy::own();
    if (lock == "none") policy = LockPolicy::none();
    else if (lock.is_object()) policy = LockPolicy::shared(object(json{{"obj", lock.at("shared_with")}}).get_lock());
    else if (lock != "own") throw ProtocolError("unknown lock " + lock.dump());
    const std::string shape = need(op, "shape").get<std::string>();
    if (shape == "value")
      return bind(op, make_value(tc, op.contains("init") ? harness::item_from_json(op.at("init")) : Item(), policy));
    if (shape != "array") throw ProtocolError("unknown shape '" + shape + "'");
    if (op.contains("init")) return bind(op, make_array(tc, items_of(op.at("init")), policy));
    return bind(op, make_array(tc, need(op, "size").get<std::int64_t>(), policy));
  }
  Object& obj = object(op);
  if (name == "get") return harness::item_to_json(obj.get(need(op, "index").get<std::int64_t>()));
  if (name == "set") return obj.set(need(op, "index").get<std::int64_t>(), harness::item_from_json(need(op, "item"))), nullptr;
  if (name == "get_slice") return items_json(obj.get(slice_of(need(op, "slice"))));
  if (name == "set_slice") return obj.set(slice_of(need(op, "slice")), items_of(need(op, "items"))), nullptr;
  if (name == "len") return obj.length();
  if (name == "value") return harness::item_to_json(obj.value());
  if (name == "set_value") return obj.set_value(harness::item_from_json(need(op, "item"))), nullptr;
  if (name == "raw") return harness::item_to_json(obj.raw());
  if (name == "set_raw") return obj.set_raw(harness::item_from_json(need(op, "item"))), nullptr;
  if (name == "get_obj") return bind(op, obj.get_obj());
  if (name == "copy") return bind(op, copy(obj));
  if (name == "synchronized") return bind(op, synchronized(obj));
  if (name == "drop") return objects_.erase(op.at("obj").get<std::string>()), nullptr;
  if (name == "acquire") {
    std::optional<std::chrono::duration<double>> timeout;
    if (op.contains("timeout") && !op.at("timeout").is_null()) timeout = std::chrono::duration<double>(op.at("timeout").get<double>());
    return obj.get_lock().acquire(op.value("blocking", true), timeout);
  }
  if (name == "release") return obj.get_lock().release(), nullptr;
  throw ProtocolError("unknown op '" + name + "'");
}

json RefImplementation::run_child(const json& op) {
  // fork: the child shares every object of the session; its outcomes come back as one JSON
  // text through a pipe, read to EOF before the child is reaped.
  const std::string start = op.value("start", "fork");
  if (start != "fork") throw Unsupported("start method '" + start + "' is not available (fork only)");
  int fds[2];
  if (pipe(fds) != 0) throw OSError(errno, "pipe for a child");
  const pid_t pid = fork();
  if (pid < 0) throw OSError(errno, "fork");
  if (pid == 0) {
    close(fds[0]);
    json outcomes = json::array();
    for (const auto& o : need(op, "ops")) outcomes.push_back(perform(o).to_json());
    const std::string text = outcomes.dump();
    std::size_t off = 0;
    while (off < text.size()) {
      const ssize_t n = write(fds[1], text.data() + off, text.size() - off);
      if (n <= 0) _exit(3);
      off += static_cast<std::size_t>(n);
    }
    _exit(0);
  }
  close(fds[1]);
  const std::string text = read_all(fds[0]);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  json exit = WIFSIGNALED(status) ? json{{"signal", WTERMSIG(status)}} : json{{"code", WEXITSTATUS(status)}};
  json outcomes = text.empty() ? json::array() : json::parse(text, nullptr, false);
  if (outcomes.is_discarded()) outcomes = json::array();
  return {{"outcomes", outcomes}, {"exit", exit}};
}

}  // namespace shmcheck::drivers
