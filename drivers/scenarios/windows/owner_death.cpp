// owner-death (stress/SCENARIOS.md) without fork: the owner is a process started by exec
// (Session::exec_hold) that attaches to the object, takes its lock and is killed with
// TerminateProcess, as abrupt as SIGKILL; the waiters are threads of the driver, each a thread
// the dead owner was not, acquiring with the bound as timeout. The observation has the same
// fields as the forked version's.
#include "../scenarios.hpp"
#include "../workers.hpp"
#include "drivers/common/request.hpp"

#include <chrono>
#include <thread>
#include <vector>

namespace shmcheck::drivers::scenarios {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

json owner_death(const json& params, const Session& s) {
  const int waiters = params.value("waiters", 1);
  const double bound = params.value("bound", 2.0);
  if (waiters < 1 || waiters > 64 || !(bound > 0 && bound < 600)) throw ProtocolError("owner-death: waiters in [1, 64], bound in (0, 600) s");
  if (!s.exec_hold) throw Unsupported("owner-death needs a second process holding the lock: no fork and no exec here");
  deadline_of(params, bound + 30);  // checks params.timeout as the forked version does
  const std::string h = scratch_handle("owner");
  must(s, {{"op", "create"}, {"shape", "value"}, {"tc", "i"}, {"lock", "own"}, {"as", h}});
  const std::string raw = must(s, {{"op", "get_obj"}, {"obj", h}, {"as", h + "_raw"}}).get<std::string>();

  bool killed = false;
  try {
    const std::function<void()> kill = s.exec_hold(h);  // returns once it holds the lock
    kill();
    killed = true;
  } catch (...) {
    must(s, {{"op", "drop"}, {"obj", raw}});
    must(s, {{"op", "drop"}, {"obj", h}});
    throw;
  }
  struct Result {
    bool acquired = false;
    double seconds = 0;
    int exit = 99;
  };
  std::vector<Result> results(static_cast<std::size_t>(waiters));
  std::vector<std::thread> threads;
  for (int w = 0; w < waiters; ++w)
    threads.emplace_back([&, w] {
      Result& me = results[static_cast<std::size_t>(w)];
      try {
        const auto t0 = Clock::now();
        me.acquired = must(s, {{"op", "acquire"}, {"obj", h}, {"timeout", bound}}).get<bool>();
        me.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        if (me.acquired) must(s, {{"op", "release"}, {"obj", h}});
        me.exit = 0;
      } catch (...) {
        me.exit = 99;
      }
    });
  for (auto& t : threads) t.join();

  json list = json::array();
  for (const Result& r : results) list.push_back({{"acquired", r.acquired}, {"seconds", r.seconds}, {"exit", r.exit}});
  const protocol::Outcome deaths = s.perform({{"op", "owner_deaths"}, {"obj", h}});
  json out = {{"killed", killed}, {"waiters", list}, {"finished", true}, {"bound", bound},
              {"recoveries", deaths.ok ? deaths.result : json()}, {"value", must(s, {{"op", "value"}, {"obj", raw}})}};
  must(s, {{"op", "drop"}, {"obj", raw}});
  must(s, {{"op", "drop"}, {"obj", h}});
  return out;
}

}  // namespace shmcheck::drivers::scenarios
