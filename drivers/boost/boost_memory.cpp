#include "boost_memory.hpp"

#include <shmcheck/error.hpp>

#include <boost/date_time/posix_time/posix_time_types.hpp>
#include <boost/interprocess/anonymous_shared_memory.hpp>

#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <new>

namespace shmcheck::drivers {
namespace {

pid_t this_tid() { return static_cast<pid_t>(syscall(SYS_gettid)); }

}  // namespace

BoostRegion boost_region(std::size_t bytes) {
  return std::make_shared<::boost::interprocess::mapped_region>(
      ::boost::interprocess::anonymous_shared_memory(std::max<std::size_t>(bytes, 1)));
}

std::shared_ptr<BoostLockState> boost_lock_at(const BoostRegion& region) {
  auto* state = new (region->get_address()) BoostLockState();
  return std::shared_ptr<BoostLockState>(region, state);  // aliasing: shares the region's count
}

bool boost_acquire(BoostLockState& s, bool blocking, std::optional<double> timeout) {
  bool got;
  if (!blocking) {
    got = s.mutex.try_lock();
  } else if (!timeout || *timeout >= 1e9) {
    s.mutex.lock();
    got = true;
  } else if (!(*timeout > 0)) {
    got = s.mutex.try_lock();
  } else {
    // Boost 1.74 takes an absolute ptime (CLOCK_REALTIME, as pthread_mutex_timedlock).
    const auto deadline = ::boost::posix_time::microsec_clock::universal_time() +
                          ::boost::posix_time::microseconds(static_cast<long long>(std::ceil(*timeout * 1e6)));
    got = s.mutex.timed_lock(deadline);
  }
  if (!got) return false;
  if (s.depth.load() == 0) {
    s.owner_pid.store(getpid());
    s.owner_tid.store(this_tid());
  }
  s.depth.fetch_add(1);
  return true;
}

void boost_release(BoostLockState& s) {
  if (s.depth.load() == 0 || s.owner_pid.load() != getpid() || s.owner_tid.load() != this_tid())
    throw AssertionError("attempt to release recursive lock not owned by thread");
  if (s.depth.fetch_sub(1) == 1) {
    s.owner_pid.store(0);
    s.owner_tid.store(0);
  }
  s.mutex.unlock();
}

}  // namespace shmcheck::drivers
