// Workers on Windows: the stress workers are forked processes sharing the session's objects
// and Windows has no fork, so start() is Unsupported (the hello does not list the scenarios
// that need them: counter, torn, ring, lifetime-outlive). The rest is what every scenario
// file links against.
#include "../workers.hpp"
#include "drivers/common/request.hpp"

#include <windows.h>

#include <chrono>

namespace shmcheck::drivers::scenarios {

namespace {
std::atomic<bool> killed_all{false};
}

void kill_all_workers() noexcept { killed_all.store(true); }
bool workers_killed() noexcept { return killed_all.load(); }

std::int64_t monotonic_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::int64_t process_id() { return static_cast<std::int64_t>(GetCurrentProcessId()); }

WorkerGroup::WorkerGroup(int workers, std::size_t slot_bytes, bool pin)
    : workers_(workers), slot_bytes_((slot_bytes + 63) / 64 * 64), pin_(pin), pids_(static_cast<std::size_t>(workers), -1),
      exits_(static_cast<std::size_t>(workers), -1) {
  throw Unsupported("stress workers are forked processes sharing the session's objects: Windows has no fork");
}
WorkerGroup::~WorkerGroup() = default;
void WorkerGroup::start(int, const std::function<int(int, void*)>&, bool) {}
bool WorkerGroup::release(std::chrono::steady_clock::time_point) { return false; }
bool WorkerGroup::wait(std::chrono::steady_clock::time_point) { return false; }
bool WorkerGroup::wait_for(int, std::chrono::steady_clock::time_point) { return false; }
void* WorkerGroup::slot(int) const { return nullptr; }
void WorkerGroup::forget(int w, int exit_code) { exits_.at(static_cast<std::size_t>(w)) = exit_code; }

}  // namespace shmcheck::drivers::scenarios
