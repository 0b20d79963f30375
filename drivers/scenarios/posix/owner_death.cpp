// owner-death (stress/SCENARIOS.md): the lock's owner is SIGKILLed; can the others acquire?
#include "drivers/common/request.hpp"
#include "../scenarios.hpp"
#include "../workers.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

namespace shmcheck::drivers::scenarios {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

struct Slot {
  std::atomic<int> holding;  // the owner: it has the lock
  int acquired;              // a waiter: 1 if it got the lock
  double seconds;
};

}  // namespace

json owner_death(const json& params, const Session& s) {
  const int waiters = params.value("waiters", 1);
  const double bound = params.value("bound", 2.0);
  if (waiters < 1 || waiters > 64 || !(bound > 0 && bound < 600)) throw ProtocolError("owner-death: waiters in [1, 64], bound in (0, 600) s");
  const auto deadline = deadline_of(params, bound + 30);
  const std::string h = scratch_handle("owner");
  must(s, {{"op", "create"}, {"shape", "value"}, {"tc", "i"}, {"lock", "own"}, {"as", h}});
  const std::string raw = must(s, {{"op", "get_obj"}, {"obj", h}, {"as", h + "_raw"}}).get<std::string>();

  WorkerGroup group(waiters + 1, sizeof(Slot), false);
  auto* owner = static_cast<Slot*>(group.slot(0));
  group.start(0, [&](int, void*) -> int {
    must(s, {{"op", "acquire"}, {"obj", h}});
    must(s, {{"op", "set_value"}, {"obj", h}, {"item", 1}});
    owner->holding.store(1);
    for (;;) pause();  // until it is killed
  }, /*barrier=*/false);
  bool killed = false;
  while (Clock::now() < deadline && !killed && !workers_killed()) {  // killed, the owner never holds it
    if (owner->holding.load()) {
      kill(group.pid(0), SIGKILL);
      while (waitpid(group.pid(0), nullptr, 0) < 0 && errno == EINTR) {
      }
      group.forget(0, 128 + SIGKILL);
      killed = true;
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }
  for (int w = 1; w <= waiters; ++w)
    group.start(w, [&](int, void* slot) {
      auto* me = static_cast<Slot*>(slot);
      const auto t0 = Clock::now();
      me->acquired = must(s, {{"op", "acquire"}, {"obj", h}, {"timeout", bound}}).get<bool>();
      me->seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      if (me->acquired) must(s, {{"op", "release"}, {"obj", h}});
      return 0;
    });
  const bool finished = group.release(deadline) && group.wait(deadline);

  json list = json::array();
  for (int w = 1; w <= waiters; ++w) {
    const auto* me = static_cast<const Slot*>(group.slot(w));
    list.push_back({{"acquired", me->acquired == 1}, {"seconds", me->seconds}, {"exit", group.exits()[static_cast<std::size_t>(w)]}});
  }
  const protocol::Outcome deaths = s.perform({{"op", "owner_deaths"}, {"obj", h}});
  json out = {{"killed", killed}, {"waiters", list}, {"finished", finished}, {"bound", bound},
              {"recoveries", deaths.ok ? deaths.result : json()}, {"value", must(s, {{"op", "value"}, {"obj", raw}})}};
  must(s, {{"op", "drop"}, {"obj", raw}});
  must(s, {{"op", "drop"}, {"obj", h}});
  return out;
}

}  // namespace shmcheck::drivers::scenarios
