// torn (stress/SCENARIOS.md): one writer alternates two patterns, readers classify reads.
#include "drivers/common/request.hpp"
#include "access.hpp"
#include "scenarios.hpp"
#include "workers.hpp"

#include <shmcheck/protocol/item_codec.hpp>

#include <atomic>
#include <cstring>
#include <memory>
#include <vector>

namespace shmcheck::drivers::scenarios {

using nlohmann::json;

namespace {

constexpr std::size_t kExampleBytes = 1024;
constexpr int kExamples = 5;

struct ReaderSlot {
  std::atomic<int> writer_done;  // used in the writer's slot only
  std::atomic<std::int64_t> reads;  // the writer watches it
  std::int64_t torn;
  int examples;
  char example[kExamples][kExampleBytes];
};

// What one read saw: an element, or a slice's elements.
using Seen = std::vector<Item>;

std::string text_of(const Seen& v, bool slice) {
  return (slice ? items_json(v) : protocol::item_to_json(v.at(0))).dump();
}

}  // namespace

json torn(const json& params, const Session& s) {
  const std::string target = params.value("target", "q");
  const bool locked = params.value("locked", true);
  const int readers = params.value("readers", 1);
  const std::int64_t writes = params.value("writes", 20000);
  const int k = params.value("k", 64);
  if (readers < 1 || readers > 64 || writes < 1 || k < 1 || k > 100000) throw ProtocolError("torn: readers in [1, 64], writes >= 1, k in [1, 1e5]");
  const auto deadline = deadline_of(params, 60);

  json a, b;
  const std::string tc = target == "slice" ? std::string("i") : target;
  if (target == "q") a = 0, b = -1;
  else if (target == "Q") a = 0, b = 18446744073709551615ULL;
  else if (target == "d") a = 1.0, b = 3.141592653589793;
  else if (target == "slice") a = json::array(), b = json::array();
  else throw ProtocolError("torn: target is q, Q, d or slice");
  if (target == "slice")
    for (int i = 0; i < k; ++i) a.push_back(0), b.push_back(-1);

  const std::string h = scratch_handle("torn");
  const json lock = locked ? json("own") : json("none");
  if (target == "slice") must(s, {{"op", "create"}, {"shape", "array"}, {"tc", tc}, {"lock", lock}, {"init", a}, {"as", h}});
  else must(s, {{"op", "create"}, {"shape", "value"}, {"tc", tc}, {"lock", lock}, {"init", a}, {"as", h}});
  const bool slice = target == "slice";
  const Seen seen_a = slice ? items_arg(a) : Seen{protocol::item_from_json(a)};
  const Seen seen_b = slice ? items_arg(b) : Seen{protocol::item_from_json(b)};
  const auto read = [slice](Access& x) { return slice ? x.get_slice(Slice::all()) : Seen{x.value()}; };
  const auto write = [slice](Access& x, const Seen& pattern) {
    if (slice) x.set_slice(Slice::all(), pattern);
    else x.set_value(pattern.at(0));
  };

  WorkerGroup group(readers + 1, sizeof(ReaderSlot), params.value("pin", false));
  auto* done = &static_cast<ReaderSlot*>(group.slot(0))->writer_done;
  // The writer goes on until every reader has read min_reads times, so that reads overlap
  // writes even when the readers start late (the deadline bounds it).
  const std::int64_t min_reads = params.value("min_reads", std::int64_t{1000});
  auto readers_behind = [&] {
    for (int r = 1; r <= readers; ++r)
      if (static_cast<ReaderSlot*>(group.slot(r))->reads.load(std::memory_order_relaxed) < min_reads) return true;
    return false;
  };
  group.start(0, [&](int, void*) {
    const std::unique_ptr<Access> x = access(s, h);
    for (std::int64_t i = 0; i < writes || (readers_behind() && std::chrono::steady_clock::now() < deadline); ++i)
      write(*x, i % 2 ? seen_a : seen_b);
    write(*x, seen_a);
    done->store(1);
    return 0;
  });
  for (int r = 1; r <= readers; ++r)
    group.start(r, [&](int, void* slot) {
      auto* me = static_cast<ReaderSlot*>(slot);
      const std::unique_ptr<Access> x = access(s, h);
      while (done->load() == 0) {
        const Seen v = read(*x);
        me->reads.fetch_add(1, std::memory_order_relaxed);
        if (v == seen_a || v == seen_b) continue;
        if (me->torn++ < kExamples) {
          const std::string text = text_of(v, slice);
          char* into = me->example[me->examples++];
          into[text.copy(into, kExampleBytes - 1)] = '\0';  // a cut example is dropped below
        }
      }
      return 0;
    });
  // The readers stop when the writer is done, also when it died before it could say so.
  const bool started = group.release(deadline);
  if (started && group.wait_for(0, deadline)) done->store(1);
  const bool finished = started && group.wait(deadline) && group.exits()[0] == 0;

  json out = {{"writes", writes}, {"seconds", group.seconds()}, {"finished", finished}};
  std::int64_t reads = 0, torn_reads = 0;
  json examples = json::array();
  for (int r = 1; r <= readers; ++r) {
    const auto* me = static_cast<const ReaderSlot*>(group.slot(r));
    reads += me->reads.load();
    torn_reads += me->torn;
    for (int e = 0; e < me->examples && examples.size() < kExamples; ++e)
      if (json x = json::parse(me->example[e], nullptr, false); !x.is_discarded()) examples.push_back(x);
  }
  json workers = json::array();
  for (int w = 0; w <= readers; ++w) workers.push_back({{"exit", group.exits()[static_cast<std::size_t>(w)]}});
  out["reads"] = reads;
  out["torn"] = torn_reads;
  out["examples"] = examples;
  out["workers"] = workers;
  must(s, {{"op", "drop"}, {"obj", h}});
  return out;
}

}  // namespace shmcheck::drivers::scenarios
