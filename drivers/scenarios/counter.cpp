// counter (stress/SCENARIOS.md): P workers x N increments in one of four modes.
#include "drivers/common/request.hpp"
#include "access.hpp"
#include "scenarios.hpp"
#include "workers.hpp"

#include <algorithm>
#include <cstring>

namespace shmcheck::drivers::scenarios {

using nlohmann::json;

namespace {

struct HistoryRecord {
  std::int64_t index, invoke_ns, return_ns, value;
};

struct Settings {
  bool is_value;
  std::string mode;
  int procs;
  std::int64_t ops;
  int history_every;
  std::int64_t stride;  // heartbeat spacing, in elements
};

// One increment by the mode; returns the value it produced where the mode knows it (held,
// atomic), else 0.
std::int64_t increment(Access& a, const Settings& c) {
  const auto read = [&] { return Access::integer(c.is_value ? a.value() : a.get(0)); };
  const auto write = [&](std::int64_t v) { c.is_value ? a.set_value(Item(static_cast<long long>(v))) : a.set(0, Item(static_cast<long long>(v))); };
  if (c.mode == "atomic") return Access::integer(a.fetch_add(0, Item(1))) + 1;
  if (c.mode == "held") {
    a.acquire();
    const std::int64_t v = read() + 1;
    write(v);
    a.release();
    return v;
  }
  write(read() + 1);  // raw, per-op: two accesses, not atomic
  return 0;
}

}  // namespace

json counter(const json& params, const Session& s) {
  Settings c;
  c.is_value = params.value("shape", "value") == "value";
  c.mode = params.value("mode", "held");
  c.procs = params.value("procs", 2);
  c.ops = params.value("ops", 10000);
  c.history_every = params.value("history_every", 0);
  const std::string tc = params.value("tc", "i");
  if (c.mode != "raw" && c.mode != "per-op" && c.mode != "held" && c.mode != "atomic")
    throw ProtocolError("counter: unknown mode '" + c.mode + "'");
  if (c.procs < 1 || c.procs > 256 || c.ops < 0 || c.ops > 100000000 || c.history_every < 0)
    throw ProtocolError("counter: procs in [1, 256], ops in [0, 1e8], history_every >= 0");
  const auto deadline = deadline_of(params, 60);
  const std::int64_t elem = static_cast<std::int64_t>(tc == "b" || tc == "B" ? 1 : tc == "h" || tc == "H" ? 2 : tc == "i" || tc == "I" ? 4 : 8);
  c.stride = params.value("spacing", "packed") == "padded" ? std::max<std::int64_t>(1, 64 / elem) : 1;

  const std::string h = scratch_handle("counter");
  const json lock = c.mode == "raw" ? json("none") : json("own");
  if (c.is_value) must(s, {{"op", "create"}, {"shape", "value"}, {"tc", tc}, {"lock", lock}, {"as", h}});
  else must(s, {{"op", "create"}, {"shape", "array"}, {"tc", tc}, {"lock", lock}, {"size", (c.procs + 1) * c.stride}, {"as", h}});
  if (c.mode == "atomic") must(s, {{"op", "fetch_add"}, {"obj", h}, {"index", 0}, {"item", 0}});  // unsupported shows here

  const bool history = c.history_every > 0 && (c.mode == "held" || c.mode == "atomic");
  const std::int64_t per_worker = history ? c.ops / c.history_every + 1 : 0;
  WorkerGroup group(c.procs, static_cast<std::size_t>(per_worker) * sizeof(HistoryRecord) + 64, params.value("pin", false));
  for (int w = 0; w < c.procs; ++w)
    group.start(w, [&](int me, void* slot) {
      auto* count = static_cast<std::int64_t*>(slot);  // records written, then the records
      auto* records = reinterpret_cast<HistoryRecord*>(static_cast<char*>(slot) + 64);
      const std::unique_ptr<Access> a = access(s, h);
      const std::int64_t beat = (me + 1) * c.stride;
      for (std::int64_t i = 0; i < c.ops; ++i) {
        const bool sample = history && i % c.history_every == 0;
        const std::int64_t t0 = sample ? monotonic_ns() : 0;
        const std::int64_t v = increment(*a, c);
        if (sample) records[(*count)++] = {i, t0, monotonic_ns(), v};
        if (!c.is_value) a->set(beat, Item(static_cast<long long>(i + 1)));
      }
      return 0;
    });
  const bool started = group.release(deadline);
  const bool finished = started && group.wait(deadline);

  json out = {{"expected", c.procs * c.ops}, {"seconds", group.seconds()}, {"finished", finished}};
  // Read through the raw object: a worker killed at the deadline may have died holding the
  // lock, and an implementation without robust locks would block this read forever.
  const std::string raw = lock == "none" ? h : must(s, {{"op", "get_obj"}, {"obj", h}, {"as", h + "_raw"}}).get<std::string>();
  const json read = c.is_value ? json{{"op", "value"}, {"obj", raw}} : json{{"op", "get"}, {"obj", raw}, {"index", 0}};
  out["observed"] = must(s, read);
  json workers = json::array(), beats = json::array(), hist = json::array();
  for (int w = 0; w < c.procs; ++w) {
    workers.push_back({{"exit", group.exits()[static_cast<std::size_t>(w)]}});
    if (!c.is_value) beats.push_back(must(s, {{"op", "get"}, {"obj", raw}, {"index", (w + 1) * c.stride}}));
    if (history) {
      const auto* count = static_cast<const std::int64_t*>(group.slot(w));
      const auto* records = reinterpret_cast<const HistoryRecord*>(static_cast<const char*>(group.slot(w)) + 64);
      for (std::int64_t k = 0; k < std::min(*count, per_worker); ++k)
        hist.push_back({w, records[k].index, records[k].invoke_ns, records[k].return_ns, records[k].value});
    }
  }
  out["workers"] = workers;
  if (!c.is_value) out["heartbeats"] = beats;
  if (history) out["history"] = hist;
  if (raw != h) must(s, {{"op", "drop"}, {"obj", raw}});
  must(s, {{"op", "drop"}, {"obj", h}});
  return out;
}

}  // namespace shmcheck::drivers::scenarios
