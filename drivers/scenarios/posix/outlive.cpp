// lifetime-outlive (stress/SCENARIOS.md): a child that outlives its parent, the creator.
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

struct OutliveSlot {
  std::atomic<int> done;
  std::atomic<pid_t> child;
  int creator_gone;
  int count;
  std::int64_t read[8];
};

}  // namespace

json lifetime_outlive(const json& params, const Session& s) {
  const auto deadline = deadline_of(params, 20);
  const json written = {42, 43, 44, 45};
  WorkerGroup group(1, sizeof(OutliveSlot), false);
  auto* slot = static_cast<OutliveSlot*>(group.slot(0));
  group.start(0, [&](int, void*) {  // the creator
    const std::string h = scratch_handle("outlive");
    must(s, {{"op", "create"}, {"shape", "array"}, {"tc", "q"}, {"lock", "own"}, {"init", written}, {"as", h}});
    const pid_t creator = getpid();
    const pid_t child = fork();
    if (child == 0) {
      for (int i = 0; i < 20000 && getppid() == creator; ++i) std::this_thread::sleep_for(std::chrono::microseconds(500));
      slot->creator_gone = getppid() != creator;
      const json got = must(s, {{"op", "get_slice"}, {"obj", h}, {"slice", {nullptr, nullptr, nullptr}}});
      for (const auto& v : got)
        if (slot->count < 8) slot->read[slot->count++] = v.get<std::int64_t>();
      slot->done.store(1);
      _exit(0);
    }
    slot->child.store(child);
    return child > 0 ? 0 : 3;  // exits at once, leaving its child running
  }, /*barrier=*/false);
  group.wait(deadline);
  // Its child is no worker: after kill_all_workers() it is not waited for, but killed below.
  while (slot->done.load() == 0 && Clock::now() < deadline && !workers_killed()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const bool finished = slot->done.load() == 1;
  if (!finished && slot->child.load() > 0) kill(slot->child.load(), SIGKILL);  // not ours to reap: init does
  json read = json::array();
  for (int i = 0; i < slot->count; ++i) read.push_back(slot->read[i]);
  return {{"creator_exit", group.exits()[0]}, {"creator_gone", slot->creator_gone == 1}, {"read", read}, {"written", written},
          {"finished", finished}};
}

}  // namespace shmcheck::drivers::scenarios
