#include "history.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace shmcheck::stress {

std::string check_counter_history(std::vector<Increment> history, int workers, std::int64_t ops_per_worker) {
  // Per worker, its sampled increments in order; their invoke and return times are both
  // increasing, because a worker's increments do not overlap.
  std::vector<std::vector<Increment>> by_worker(static_cast<std::size_t>(workers));
  for (const auto& h : history) {
    if (h.worker < 0 || h.worker >= workers || h.index < 0 || h.index >= ops_per_worker || h.return_ns < h.invoke_ns)
      return fmt::format("malformed history record: worker {}, increment {}, [{}, {}] ns", h.worker, h.index, h.invoke_ns, h.return_ns);
    by_worker[static_cast<std::size_t>(h.worker)].push_back(h);
  }
  for (auto& w : by_worker) std::sort(w.begin(), w.end(), [](const Increment& a, const Increment& b) { return a.index < b.index; });

  for (const auto& r : history) {
    std::int64_t complete = 0, invoked = 0;
    for (int u = 0; u < workers; ++u) {
      if (u == r.worker) {  // its own: the earlier ones are done, the later ones not begun
        complete += r.index;
        invoked += r.index + 1;
        continue;
      }
      const auto& ops = by_worker[static_cast<std::size_t>(u)];
      // The last sampled op that returned before r's invoke: it and all before it are done.
      auto done = std::partition_point(ops.begin(), ops.end(), [&](const Increment& o) { return o.return_ns < r.invoke_ns; });
      if (done != ops.begin()) complete += std::prev(done)->index + 1;
      // The first sampled op invoked after r's return: it and all after it had not begun.
      auto later = std::partition_point(ops.begin(), ops.end(), [&](const Increment& o) { return o.invoke_ns <= r.return_ns; });
      invoked += later == ops.end() ? ops_per_worker : later->index;
    }
    if (r.value <= complete || r.value > invoked)
      return fmt::format("worker {}'s increment {} produced {}, outside ({}, {}]: {} increments were certainly complete before it "
                         "began and at most {} had begun before it returned",
                         r.worker, r.index, r.value, complete, invoked, complete, invoked);
  }
  return "";
}

}  // namespace shmcheck::stress
