#include "../die_with_parent.hpp"

namespace shmcheck::drivers {

// Nothing forks on Windows, so nothing calls this; the processes the driver starts there
// (lifetime-exec's reader, owner-death's holder) are in a job object that kills them when
// the driver's handle to it closes (ref/windows/platform.cpp).
void die_with_parent(pid_t) noexcept {}

}  // namespace shmcheck::drivers
