#include "procedures.hpp"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <shmcheck/protocol/driver_text.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace shmcheck::faults {

using nlohmann::json;

namespace {

constexpr const char* kFiller = "shmcheck-fault-filler";

json op(const char* name, json args = json::object()) {
  args["op"] = name;
  return args;
}

// After the fault: what was made is dropped, the implementation reclaims it, and one small
// object is made and used again. Where an object at least as large was made under the same
// fault, dropping it gave back what the new one needs (descriptors, address space, pages), so
// a refusal now is something kept after its last handle went: not_recovered (a leak).
void drop_and_create_again(Stage& stage, const std::vector<std::string>& handles, std::uint64_t largest_made, int salt) {
  constexpr std::uint64_t kAgain = 64 * 1024;
  json drops = json::array();
  for (const auto& h : handles) drops.push_back(op("drop", {{"obj", h}}));
  drops.push_back(op("collect"));
  stage.run("drop", fmt::format("drop the {} object(s) made, and collect", handles.size()), drops);
  if (stage.create_array("again", kAgain)) {
    stage.touch("again", kAgain, salt);
  } else if (!handles.empty() && largest_made >= kAgain) {
    stage.last().ok = false;
    stage.observation().saw(Outcome::not_recovered, stage.last_index(),
                            fmt::format("not recovered: a {}-byte array was refused once every object made (the largest {} bytes) "
                                        "was dropped: {}",
                                        kAgain, largest_made, stage.last().note));
  }
}

// Create, fill, read back each object in turn (keeping them), then drop and create again.
void small_filesystem(const FaultCase& c, Stage& stage) {
  std::vector<std::string> made;
  std::uint64_t largest = 0;
  int salt = 1;
  for (const auto bytes : c.objects) {
    const std::string h = "a" + std::to_string(made.size());
    if (!stage.create_array(h, bytes)) continue;  // refused: the next may fit
    made.push_back(h);
    largest = std::max(largest, bytes);
    stage.touch(h, bytes, salt++);
  }
  drop_and_create_again(stage, made, largest, salt);
}

void full_during_use(const FaultCase& c, Stage& stage) {
  auto& impl = stage.impl();
  const std::uint64_t bytes = c.objects.at(0);
  if (!stage.create_array("a0", bytes)) return;
  {
    // Another process (shmcheck) takes what is left of both filesystems, and gives it back
    // however the touch ends: the filler is never among what the implementation left.
    struct Filler {
      const harness::ExecImplementation& impl;
      ~Filler() {
        unlinkat(impl.dev_shm_dir(), kFiller, 0);
        unlinkat(impl.tmp_dir(), kFiller, 0);
      }
    } filler{impl};
    const std::uint64_t shm = fill_filesystem(impl.dev_shm_dir(), kFiller), tmp = fill_filesystem(impl.tmp_dir(), kFiller);
    stage.did("fill", "another process fills /dev/shm and TMPDIR", fmt::format("{} and {} bytes written", shm, tmp));
    stage.touch("a0", bytes, 7);
  }
  stage.did("free", "the other process removes its files");
  drop_and_create_again(stage, {"a0"}, bytes, 8);
}

// Lowers `resource` of every process of the driver to what it uses plus the margin.
bool limit_all(Stage& stage, int resource, const char* name, std::uint64_t margin) {
  auto& impl = stage.impl();
  std::string note;
  for (const pid_t p : impl.processes()) {
    const std::uint64_t used = resource == RLIMIT_NOFILE ? static_cast<std::uint64_t>(open_descriptors(p)) : address_space(p);
    const std::string failed = limit(p, resource, used + margin);
    if (!failed.empty()) {
      stage.observation().unsupported = fmt::format("prlimit({}) of process {}: {}", name, p, failed);
      return false;
    }
    note += fmt::format("{}process {}: {} -> {}", note.empty() ? "" : "; ", p, used, used + margin);
  }
  stage.did("prlimit", fmt::format("limit {} of the driver's processes", name), note);
  return true;
}

void few_descriptors(const FaultCase& c, Stage& stage) {
  if (!limit_all(stage, RLIMIT_NOFILE, "RLIMIT_NOFILE", c.margin)) return;
  const std::uint64_t bytes = c.objects.at(0);
  std::vector<std::string> made;
  std::uint64_t largest = 0;  // an array made, or none
  int n = 0;
  for (; n < c.object_cap; ++n) {
    const std::string v = "v" + std::to_string(n), a = "a" + std::to_string(n);
    const auto out = stage.run("create", fmt::format("create locked value {} and a {}-byte locked array, and use both", n, bytes),
                               json::array({op("create", {{"shape", "value"}, {"tc", "i"}, {"init", n}, {"as", v}}),
                                            op("create", {{"shape", "array"}, {"tc", "b"}, {"size", bytes}, {"as", a}}),
                                            op("set", {{"obj", a}, {"index", bytes - 1}, {"item", n % 100}}),
                                            op("value", {{"obj", v}}), op("get", {{"obj", a}, {"index", bytes - 1}})}));
    if (out[0].ok) made.push_back(v);
    if (out[1].ok) {
      made.push_back(a);
      largest = bytes;
    }
    if (!std::all_of(out.begin(), out.end(), [](const protocol::Outcome& o) { return o.ok; })) break;
    if (out[3].result != n || out[4].result != n % 100) {
      stage.wrong(fmt::format("object {} reads {} and {}", n, out[3].result.dump(), out[4].result.dump()));
      return;
    }
  }
  stage.last().note += fmt::format("{}{} pairs made", stage.last().note.empty() ? "" : "; ", n);
  // Every object made before the refusal still holds its value.
  json reads = json::array();
  for (const auto& h : made) reads.push_back(h[0] == 'v' ? op("value", {{"obj", h}}) : op("get", {{"obj", h}, {"index", bytes - 1}}));
  if (reads.empty()) return;
  const auto back = stage.run("value", fmt::format("read the {} objects made back", made.size()), reads);
  for (std::size_t i = 0; i < made.size(); ++i) {
    const int k = std::stoi(made[i].substr(1));
    if (back[i].ok && back[i].result != (made[i][0] == 'v' ? k : k % 100)) {
      stage.wrong(fmt::format("{} reads {}", made[i], back[i].result.dump()));
      return;
    }
  }
  drop_and_create_again(stage, made, largest, 3);
}

void little_memory(const FaultCase& c, Stage& stage) {
  if (!limit_all(stage, RLIMIT_AS, "RLIMIT_AS", c.margin)) return;
  small_filesystem(c, stage);  // the same operations, under the other shortage
}

void stopped_holder(const FaultCase& c, Stage& stage) {
  auto& impl = stage.impl();
  const auto& caps = impl.describe().capabilities;
  if (!caps.async_child) {
    stage.observation().unsupported = "the driver runs no child_start (capability async_child)";
    return;
  }
  stage.run("create", "a locked value 'i' and a raw flag",
            json::array({op("create", {{"shape", "value"}, {"tc", "i"}, {"init", 0}, {"as", "v"}}),
                         op("create", {{"shape", "value"}, {"tc", "i"}, {"init", 0}, {"lock", "none"}, {"as", "flag"}})}));
  const std::vector<pid_t> before = impl.processes();
  const auto started = stage.run_one(
      "a child takes the lock, says so, and holds it until the flag is 2",
      op("child_start", {{"as", "holder"},
                         {"timeout", 60},
                         {"ops", json::array({op("acquire", {{"obj", "v"}}), op("set_value", {{"obj", "flag"}, {"item", 1}}),
                                              op("wait_for", {{"obj", "flag"}, {"item", 2}, {"timeout", 40}}),
                                              op("set_value", {{"obj", "v"}, {"item", 42}}), op("release", {{"obj", "v"}})})}}));
  if (!started.ok) return;
  const auto holding = stage.run_one("wait until the child holds the lock", op("wait_for", {{"obj", "flag"}, {"item", 1}, {"timeout", 8}}));
  if (!holding.ok || holding.result != true) {
    stage.observation().unsupported = "the child never said it held the lock";
    return;
  }
  std::vector<pid_t> holder;
  for (const pid_t p : impl.processes())
    if (std::find(before.begin(), before.end(), p) == before.end()) holder.push_back(p);
  if (holder.empty()) {
    stage.observation().unsupported = "no new process holds the lock (the driver's child is not a process of its own)";
    return;
  }
  std::string stopped;
  for (const pid_t p : holder) {
    kill(p, SIGSTOP);
    stopped += fmt::format("{}{}{}", stopped.empty() ? "" : ", ", p, wait_stopped(p) ? "" : " (not seen stopped)");
  }
  stage.did("SIGSTOP", "stop the child that holds the lock", "processes " + stopped);
  auto cont = [&] {
    for (const pid_t p : holder) kill(p, SIGCONT);
  };
  try {
    const double t = c.timeout_s;
    const auto waited = stage.run_one(fmt::format("acquire(timeout={}) while the holder is stopped", t),
                                      op("acquire", {{"obj", "v"}, {"timeout", t}}));
    const double ms = stage.last().ms;
    stage.last().note += fmt::format("{}returned {} after {:.0f} ms", stage.last().note.empty() ? "" : "; ",
                                     waited.ok ? waited.result.dump() : "an error", ms);
    // Honoured: false, no sooner than the timeout and not much later (a loaded machine may
    // deschedule the waiter for a while, not for seconds).
    if (waited.ok && (waited.result != false || ms < t * 1000 * 0.9 || ms > t * 1000 + 3000)) {
      stage.last().ok = false;
      stage.observation().saw(Outcome::timeout_not_honoured, stage.last_index(),
                              fmt::format("acquire(timeout={}) returned {} after {:.0f} ms", t, waited.result.dump(), ms));
    }
    if (caps.child) {
      const auto other = stage.run_one(fmt::format("another process waits with acquire(timeout={})", t),
                                       op("child", {{"timeout", 8}, {"ops", json::array({op("acquire", {{"obj", "v"}, {"timeout", t}})})}}));
      if (other.ok) {
        const json& o = other.result.at("outcomes").at(0);
        if (!o.value("ok", false) || o.at("result") != false) {
          stage.last().ok = false;
          stage.last().note = "its acquire answered " + o.dump();
          stage.observation().saw(o.value("ok", false) ? Outcome::timeout_not_honoured : Outcome::refused, stage.last_index(),
                                  "the other waiter's acquire answered " + o.dump());
        }
      }
    }
  } catch (const Ended&) {
    cont();
    throw;
  }
  cont();
  stage.did("SIGCONT", "continue the holder");
  stage.run_one("let the holder finish", op("set_value", {{"obj", "flag"}, {"item", 2}}));
  const auto joined = stage.run_one("wait for the holder to release and exit", op("child_wait", {{"obj", "holder"}}));
  if (joined.ok) {
    bool all_ok = true;
    for (const auto& o : joined.result.at("outcomes")) all_ok = all_ok && o.value("ok", false);
    if (!all_ok || joined.result.at("exit") != json{{"code", 0}}) {
      stage.last().ok = false;
      stage.last().note = protocol::excerpt(joined.result.dump(), 300);
      stage.observation().saw(Outcome::refused, stage.last_index(), "the holder, continued: " + stage.last().note);
    }
  }
  const auto after = stage.run("acquire", "the lock works again: acquire(timeout=5), read, write, release",
                               json::array({op("acquire", {{"obj", "v"}, {"timeout", 5}}), op("value", {{"obj", "v"}}),
                                            op("set_value", {{"obj", "v"}, {"item", 43}}), op("release", {{"obj", "v"}}),
                                            op("value", {{"obj", "v"}})}));
  if (after[0].ok && after[0].result != true) {
    stage.last().ok = false;
    stage.observation().saw(Outcome::timeout_not_honoured, stage.last_index(), "the lock was not acquired after the holder let go");
  } else if (after[1].ok && after[4].ok && (after[1].result != 42 || after[4].result != 43)) {
    stage.wrong(fmt::format("the value reads {} then {} (42 and 43 were written)", after[1].result.dump(), after[4].result.dump()));
  }
}

}  // namespace

void run_procedure(const FaultCase& c, Stage& stage) {
  switch (c.kind) {
    case FaultKind::small_filesystem: return small_filesystem(c, stage);
    case FaultKind::full_during_use: return full_during_use(c, stage);
    case FaultKind::few_descriptors: return few_descriptors(c, stage);
    case FaultKind::little_memory: return little_memory(c, stage);
    case FaultKind::stopped_holder: return stopped_holder(c, stage);
  }
}

}  // namespace shmcheck::faults
