// ring (stress/SCENARIOS.md): the tutorial's bounded circular buffer, and a correct
// multi-producer/multi-consumer version of it.
#include "drivers/common/request.hpp"
#include "access.hpp"
#include "scenarios.hpp"
#include "workers.hpp"

#include <thread>

namespace shmcheck::drivers::scenarios {

using nlohmann::json;

namespace {

struct ConsumerSlot {
  std::int64_t count;
  std::int32_t items[1];  // really `count` of them (the slot is sized for every item)
};

// One worker's view of the ring: the five objects through its own accesses (access.hpp),
// made in the worker after the fork, as counter's are.
struct Ring {
  std::unique_ptr<Access> buffer, in, out, lock, taken;
  std::int64_t size;
  std::chrono::microseconds poll;

  static std::int64_t value(Access& a) { return Access::integer(a.value()); }
  static void set(Access& a, std::int64_t v) { a.set_value(Item(static_cast<long long>(v))); }
  void acquire() const { lock->acquire(); }
  void release() const { lock->release(); }
  void put(std::int64_t item) const {  // under the lock
    const std::int64_t i = value(*in);
    buffer->set(i, Item(static_cast<long long>(item)));
    set(*in, (i + 1) % size);
  }
  std::int64_t take() const {  // under the lock
    const std::int64_t o = value(*out);
    const std::int64_t item = Access::integer(buffer->get(o));
    set(*out, (o + 1) % size);
    return item;
  }
  // The tutorial: wait for room (or data) outside the lock, then put (take) inside it.
  void tutorial_produce(std::int64_t item) const {
    while ((value(*in) + 1) % size == value(*out)) std::this_thread::sleep_for(poll);
    acquire();
    put(item);
    release();
  }
  std::int64_t tutorial_consume() const {
    while (value(*in) == value(*out)) std::this_thread::sleep_for(poll);
    acquire();
    const std::int64_t item = take();
    release();
    return item;
  }
  // Correct for many producers and consumers: the check and the update under one hold.
  void produce(std::int64_t item) const {
    for (;;) {
      acquire();
      if ((value(*in) + 1) % size != value(*out)) {
        put(item);
        release();
        return;
      }
      release();
      std::this_thread::sleep_for(poll);
    }
  }
  // False when every item has been taken.
  bool consume(std::int64_t total, std::int64_t& item) const {
    for (;;) {
      acquire();
      if (value(*taken) == total) {
        release();
        return false;
      }
      if (value(*in) != value(*out)) {
        item = take();
        set(*taken, value(*taken) + 1);
        release();
        return true;
      }
      release();
      std::this_thread::sleep_for(poll);
    }
  }
};

}  // namespace

json ring(const json& params, const Session& s) {
  const std::string variant = params.value("variant", "spsc-tutorial");
  const bool tutorial = variant != "mpmc";
  int producers = params.value("producers", 1), consumers = params.value("consumers", 1);
  if (variant == "spsc-tutorial") producers = consumers = 1;
  else if (variant != "mpmc" && variant != "mpmc-tutorial") throw ProtocolError("ring: variant is spsc-tutorial, mpmc or mpmc-tutorial");
  const std::int64_t items = params.value("items", 1000), size = params.value("size", 5);
  const std::int64_t total = items * producers;
  if (producers < 1 || consumers < 1 || producers > 64 || consumers > 64 || items < 1 || items >= 1000000 || size < 2 || total > 10000000)
    throw ProtocolError("ring: 1-64 producers and consumers, items in [1, 1e6), size >= 2");
  if (tutorial && total % consumers != 0) throw ProtocolError("ring: the tutorial's consumers take items x producers / consumers each");
  const auto deadline = deadline_of(params, 60);

  const std::string buffer = scratch_handle("ring_buffer"), in = scratch_handle("ring_in"), out = scratch_handle("ring_out"),
                    lock = scratch_handle("ring_lock"), taken = scratch_handle("ring_taken");
  const auto poll = std::chrono::microseconds(params.value("poll_us", 100));
  must(s, {{"op", "create"}, {"shape", "array"}, {"tc", "i"}, {"lock", "own"}, {"size", size}, {"as", buffer}});
  for (const auto& h : {in, out, lock, taken}) must(s, {{"op", "create"}, {"shape", "value"}, {"tc", "i"}, {"lock", "own"}, {"as", h}});
  const auto ring_of = [&] { return Ring{access(s, buffer), access(s, in), access(s, out), access(s, lock), access(s, taken), size, poll}; };

  WorkerGroup group(producers + consumers, sizeof(ConsumerSlot) + sizeof(std::int32_t) * static_cast<std::size_t>(total),
                    params.value("pin", false));
  for (int p = 0; p < producers; ++p)
    group.start(p, [&](int me, void* slot) {
      auto* made = static_cast<std::int64_t*>(slot);
      const Ring r = ring_of();
      for (std::int64_t seq = 0; seq < items; ++seq) {
        const std::int64_t item = static_cast<std::int64_t>(me) * 1000000 + seq;
        tutorial ? r.tutorial_produce(item) : r.produce(item);
        ++*made;
      }
      return 0;
    });
  for (int c = 0; c < consumers; ++c)
    group.start(producers + c, [&](int, void* slot) {
      auto* me = static_cast<ConsumerSlot*>(slot);
      const Ring r = ring_of();
      std::int64_t item = 0;
      if (tutorial) {
        for (std::int64_t k = 0; k < total / consumers; ++k) me->items[me->count++] = static_cast<std::int32_t>(r.tutorial_consume());
      } else {
        while (r.consume(total, item)) me->items[me->count++] = static_cast<std::int32_t>(item);
      }
      return 0;
    });
  const bool finished = group.release(deadline) && group.wait(deadline);

  json produced = json::array(), consumed = json::array(), workers = json::array();
  for (int p = 0; p < producers; ++p) produced.push_back(*static_cast<const std::int64_t*>(group.slot(p)));
  for (int c = 0; c < consumers; ++c) {
    const auto* me = static_cast<const ConsumerSlot*>(group.slot(producers + c));
    json list = json::array();
    for (std::int64_t k = 0; k < me->count; ++k) list.push_back(me->items[k]);
    consumed.push_back(std::move(list));
  }
  for (int w = 0; w < producers + consumers; ++w) workers.push_back({{"exit", group.exits()[static_cast<std::size_t>(w)]}});
  for (const auto& h : {buffer, in, out, lock, taken}) must(s, {{"op", "drop"}, {"obj", h}});
  return {{"produced", produced}, {"consumed", consumed}, {"finished", finished}, {"seconds", group.seconds()}, {"workers", workers}};
}

}  // namespace shmcheck::drivers::scenarios
