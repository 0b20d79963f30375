#include "cases.hpp"

#include <shmcheck/error.hpp>

#include <algorithm>

namespace shmcheck::stress {

using nlohmann::json;

namespace {

struct Size {
  int procs;
  std::int64_t ops;
  int trials;
  std::int64_t writes;  // torn
  std::int64_t items;   // ring, per producer
  std::int64_t cycles;  // lifetime-cycles
  double ring_timeout;  // a ring whose items got lost waits this long for them
  double timeout;       // counter and torn trials: past it a hung worker is killed
};

Size size_of(const std::string& name) {
  if (name == "quick") return {2, 2000, 2, 5000, 300, 2000, 5, 10};
  if (name == "ci") return {2, 20000, 5, 20000, 2000, 10000, 20, 60};
  if (name == "thorough") return {4, 200000, 20, 200000, 20000, 100000, 120, 300};
  throw ValueError("unknown size '" + name + "' (quick, ci or thorough)");
}

}  // namespace

std::vector<std::string> scenario_families() { return {"counter", "torn", "ring", "owner-death", "lifetime"}; }

std::vector<StressCase> stress_cases(const Options& o) {
  const Size z = size_of(o.size);
  const int procs = o.procs.value_or(z.procs);
  const std::int64_t ops = o.ops.value_or(z.ops);
  const int trials = o.trials.value_or(z.trials);
  std::vector<StressCase> out;
  for (const char* shape : {"value", "array"})
    for (const char* mode : {"raw", "per-op", "held", "atomic"}) {
      const bool exact = std::string(mode) == "held" || std::string(mode) == "atomic";
      json p = {{"shape", shape}, {"mode", mode}, {"procs", procs}, {"ops", ops}, {"pin", o.pin}, {"timeout", 2 * z.timeout}};
      if (std::string(shape) == "array") p["spacing"] = o.spacing;
      if (exact) p["history_every"] = std::max<std::int64_t>(1, ops / 500);  // about 500 samples per worker
      out.push_back({std::string("counter-") + shape + "-" + mode, "counter", p, trials,
                     exact ? "every increment counted, every sampled increment linearizable"
                           : "negative control: lost updates seen, with their detection probability"});
    }
  for (const char* target : {"q", "Q", "d", "slice"})
    for (bool locked : {true, false}) {
      const bool control = !locked && std::string(target) == "slice";
      out.push_back({std::string("torn-") + target + (locked ? "-locked" : "-unlocked"), "torn",
                     {{"target", target}, {"locked", locked}, {"readers", std::max(1, procs - 1)}, {"writes", z.writes}, {"k", 256},
                      {"pin", o.pin}, {"timeout", z.timeout}},
                     std::max(1, trials / 2),
                     control ? "negative control: an unlocked slice copy is torn"
                             : locked ? "no read sees half of one write and half of another" : "an element store is single-copy atomic"});
    }
  out.push_back({"ring-spsc-tutorial", "ring", {{"variant", "spsc-tutorial"}, {"items", z.items}, {"size", 5}, {"timeout", z.ring_timeout}},
                 std::max(1, trials / 2), "the tutorial's producer/consumer loses, duplicates and reorders nothing, and ends"});
  out.push_back({"ring-mpmc", "ring",
                 {{"variant", "mpmc"}, {"producers", procs}, {"consumers", procs}, {"items", z.items / 2}, {"size", 5}, {"timeout", z.ring_timeout}},
                 std::max(1, trials / 2), "a correct multi-producer/multi-consumer ring loses, duplicates and reorders nothing"});
  out.push_back({"ring-mpmc-tutorial", "ring",
                 {{"variant", "mpmc-tutorial"}, {"producers", 2}, {"consumers", 2}, {"items", z.items / 2}, {"size", 5}, {"timeout", std::min(5.0, z.ring_timeout)}},
                 1, "negative control: the tutorial's code with two producers and two consumers loses or duplicates items"});
  out.push_back({"owner-death", "owner-death", {{"waiters", procs}, {"bound", 2.0}, {"timeout", 40}}, std::max(1, trials / 2),
                 "after the lock's owner is SIGKILLed, the others acquire it within 2 s"});
  // Small objects share arenas; large ones (16 KiB here) get a segment each: both must be
  // given back.
  out.push_back({"lifetime-cycles", "lifetime-cycles", {{"cycles", z.cycles}, {"warmup", std::max<std::int64_t>(1, z.cycles / 10)}, {"size", 16}, {"timeout", 120}},
                 1, "create/drop cycles of small objects leave open fds, mappings and /dev/shm as they were after the warm-up"});
  out.push_back({"lifetime-cycles-large", "lifetime-cycles",
                 {{"cycles", z.cycles / 10}, {"warmup", std::max<std::int64_t>(1, z.cycles / 100)}, {"size", 4096}, {"timeout", 120}}, 1,
                 "create/drop cycles of 16 KiB arrays (a segment each) leave open fds, mappings and /dev/shm as they were"});
  out.push_back({"lifetime-creator-killed", "lifetime-create", {{"objects", 100}}, 1,
                 "after the creator's whole process group is SIGKILLed, /dev/shm, SysV segments and processes are as before"});
  out.push_back({"lifetime-outlive", "lifetime-outlive", {{"timeout", 20}}, 1, "a child that outlives its parent still reads the data"});
  out.push_back({"lifetime-aliasing", "lifetime-aliasing", json::object(), 1,
                 "an object the parent drops while a child uses it is not handed to the next object (gh-110660)"});
  out.push_back({"lifetime-exec", "lifetime-exec", {{"timeout", 30}}, 1, "a child started by exec attaches and reads the data"});
  return out;
}

}  // namespace shmcheck::stress
