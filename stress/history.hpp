#pragma once
// The counter's history check (Jepsen's counter rule, stress/SCENARIOS.md): every sampled
// increment produced a value v over [invoke, return]; v must exceed the number of increments
// certainly complete before its invoke, and must not exceed the number possibly invoked
// before its return. Sampling keeps both bounds sound: per worker, the ops up to the last
// sampled one that returned earlier are complete, and the ops from the first sampled one
// invoked later on were not yet invoked.
#include <cstdint>
#include <string>
#include <vector>

namespace shmcheck::stress {

struct Increment {
  int worker;
  std::int64_t index;  // the worker's n-th increment
  std::int64_t invoke_ns, return_ns;
  std::int64_t value;  // the counter after this increment
};

// "" when every record is within its bounds, else the first that is not, with the bounds.
// `ops_per_worker` is N (every worker does N increments).
std::string check_counter_history(std::vector<Increment> history, int workers, std::int64_t ops_per_worker);

}  // namespace shmcheck::stress
